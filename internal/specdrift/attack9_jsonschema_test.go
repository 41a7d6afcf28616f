//go:build unix

package specdrift

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/fifotest"
)

// An OpenAPI 3.1 spec's examples are validated as JSON Schema 2020-12, by
// a validator that loads the file a $schema (or an $id and a relative
// $dynamicRef) names. Drift leaves examples to spec lint: LoadSpec must
// read nothing but the bytes it is given, and not block on a FIFO.
func TestLoadSpecReadsNoFileThatJSONSchemaKeywordsName(t *testing.T) {
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
	done := make(chan error, 1)
	go func() {
		_, err := LoadSpec(t.Context(), filepath.Join(dir, "spec.yaml"), []byte(spec))
		done <- err
	}()
	var err error
	select {
	case <-opened:
		t.Errorf("LoadSpec opened %s, which the spec's $schema names", fifo)
		err = <-done
	case err = <-done:
	}
	release()
	if err != nil && !strings.Contains(err.Error(), "file") {
		t.Errorf("LoadSpec: %v", err)
	}
}
