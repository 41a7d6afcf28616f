package specdrift

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"go.yaml.in/yaml/v4"

	"github.com/zcdrop/zcdrop/internal/schemaerr"
)

// errorCodesKey is the extension that lists the error codes a spec knows,
// each as {code, meaning, source}.
const errorCodesKey = "x-zilliz-error-codes"

// Spec is an OpenAPI document as drift reads it: its operations, to route
// recorded requests, and the error codes its x-zilliz-error-codes lists
// know. It keeps the file's bytes, which a patch edits as text.
type Spec struct {
	path   string
	data   []byte
	router routers.Router
	// codes are the codes of every x-zilliz-error-codes list.
	codes map[int64]bool
}

// LoadSpec reads data, the OpenAPI document read from path, as kin-openapi
// loads and validates it, its examples left to spec lint. Its errors name
// path and describe what is wrong on one line.
func LoadSpec(ctx context.Context, path string, data []byte) (*Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: not YAML: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc, err := loadDoc(ctx, abs, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, err.Error())
	}
	// Route on the path alone, as the gate does: with no servers the
	// router matches any scheme and host, so recordings made against a mock
	// or a proxy route as api.cloud.zilliz.com does.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: build router: %w", path, err)
	}
	s := &Spec{path: path, data: data, router: router, codes: map[int64]bool{}}
	for _, list := range findCodeLists(&root) {
		for _, item := range list.Content {
			if code, ok := itemCode(item); ok {
				s.codes[code] = true
			}
		}
	}
	return s, nil
}

// loadDoc loads and validates data as an OpenAPI document located at abs,
// where relative references would resolve. Its error is one line.
func loadDoc(ctx context.Context, abs string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(abs)})
	if err != nil {
		return nil, fmt.Errorf("not an OpenAPI document: %s", schemaerr.Summary(err))
	}
	if doc.Paths == nil || doc.OpenAPI == "" {
		return nil, errors.New("not an OpenAPI document: no openapi version or paths")
	}
	// Examples are spec lint's to judge. Validating those of a 3.1
	// document would also load what its schemas' $schema or $id names,
	// file URIs included: a spec under review must not make drift read a
	// file, or block on a FIFO.
	if err := doc.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("not a valid OpenAPI document: %s", schemaerr.Summary(err))
	}
	return doc, nil
}

// findCodeLists returns every x-zilliz-error-codes sequence under n, in
// document order.
func findCodeLists(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for _, m := range codeListHolders(n) {
		out = append(out, valueAt(m, errorCodesKey))
	}
	return out
}

// codeListHolders returns every mapping under n that holds an
// x-zilliz-error-codes sequence (the schema of the code it lists), in
// document order.
func codeListHolders(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, codeListHolders(c)...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if key.Value == errorCodesKey && value.Kind == yaml.SequenceNode {
				out = append(out, n)
				continue
			}
			out = append(out, codeListHolders(value)...)
		}
	}
	return out
}

// itemCode returns the code of one entry of an x-zilliz-error-codes list.
func itemCode(item *yaml.Node) (int64, bool) {
	v := resolve(valueAt(resolve(item), "code"))
	if v == nil || v.Kind != yaml.ScalarNode {
		return 0, false
	}
	code, err := strconv.ParseInt(v.Value, 10, 64)
	return code, err == nil
}
