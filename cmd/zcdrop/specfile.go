package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/api"
)

// checkSpecFile validates the spec file, its examples included, and checks
// that the spec embedded in api/ was generated from it.
func checkSpecFile(ctx context.Context, path string) (string, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return "", fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return "", fmt.Errorf("%s is not a valid OpenAPI document: %w", path, err)
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
