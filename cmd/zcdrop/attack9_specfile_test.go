//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/fifotest"
)

// selftest --spec FILE validates FILE's examples; make conformance runs it
// on the openapi.yaml of the tree, a pull request's. In an OpenAPI 3.1
// document, kin-openapi validates examples with a JSON Schema validator
// that loads what a schema's $schema names from the disk: the file must
// be refused, not opened (a FIFO would block the command for good).
func TestCheckSpecFileReadsNoFileItNames(t *testing.T) {
	dir := t.TempDir()
	fifo, opened, release := fifotest.Watch(t, dir)
	spec := `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $schema: "file://` + fifo + `"
                type: object
              example: {a: 1}
`
	path := filepath.Join(dir, "spec.yaml")
	done := make(chan error, 1)
	go func() {
		_, err := checkSpecFile(t.Context(), path, []byte(spec))
		done <- err
	}()
	var err error
	select {
	case <-opened:
		t.Errorf("checkSpecFile opened %s, which the spec's $schema names", fifo)
		err = <-done
	case err = <-done:
	}
	release()
	if err == nil || !strings.Contains(err.Error(), "$schema") {
		t.Errorf("checkSpecFile: %v; want an error that names $schema", err)
	}
}
