package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/schemaerr"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// maxSpecFileBytes caps the spec file that --spec names: 4 MiB, some fifty
// times openapi.yaml. Beyond it, or for what is not a regular file (a
// device never ends, a FIFO blocks), the file is refused unread.
const maxSpecFileBytes = 4 << 20

// readSpecFile reads the spec file at path within maxSpecFileBytes. Its
// errors follow the file's name.
func readSpecFile(path string) ([]byte, error) {
	data, err := regularfile.Read(path, maxSpecFileBytes)
	var tooLarge *regularfile.TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%s: is larger than %d bytes (%d MiB), the most a spec file may be", path, maxSpecFileBytes, maxSpecFileBytes>>20)
	case errors.As(err, &pe):
		return nil, fmt.Errorf("%s: %w", path, pe.Err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// checkSpecFile validates the spec file read from path, its examples
// included, and checks that the spec embedded in api/ was generated from
// it.
func checkSpecFile(ctx context.Context, path string, data []byte) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("load %s: %w", path, err)
	}
	// Validating the examples of a 3.1 document would load what its
	// schemas' $schema or $id name, files included.
	if uris := speclint.FileURIs(data); len(uris) > 0 {
		u := uris[0]
		return "", fmt.Errorf("%s:%d:%d: %s names a file (%q); zcdrop reads no file that a spec names", path, u.Line, u.Column, u.Keyword, u.URI)
	}
	loader := openapi3.NewLoader()
	// The location is where relative references would resolve, as
	// LoadFromFile would resolve them; the loader allows none by default.
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(abs)})
	if err != nil {
		return "", fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return "", fmt.Errorf("%s is not a valid OpenAPI document: %s (zcdrop spec lint %s gives each problem with its line)", path, schemaerr.Summary(err), path)
	}
	embedded, err := api.GetSpec()
	if err != nil {
		return "", fmt.Errorf("load embedded spec: %w", err)
	}
	a, err := doc.MarshalJSON()
	if err != nil {
		return "", err
	}
	b, err := embedded.MarshalJSON()
	if err != nil {
		return "", err
	}
	if !bytes.Equal(a, b) {
		return "", fmt.Errorf("the spec embedded in api/ differs from %s: run 'make generate'", path)
	}
	return fmt.Sprintf("%s is valid OpenAPI %s, examples included, and api/ embeds it", path, doc.OpenAPI), nil
}
