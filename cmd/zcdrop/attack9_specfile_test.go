//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// selftest --spec FILE validates FILE's examples; make conformance runs it
// on the openapi.yaml of the tree, a pull request's. In an OpenAPI 3.1
// document, kin-openapi validates examples with a JSON Schema validator
// that loads what a schema's $schema names from the disk: the file must
// be refused, not opened (a FIFO would block the command for good).
func TestCheckSpecFileReadsNoFileItNames(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	opened := make(chan struct{})
	var once sync.Once
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for a reader
			if err != nil || stop.Load() {
				if f != nil {
					f.Close()
				}
				return
			}
			once.Do(func() { close(opened) })
			_, _ = f.WriteString("{}")
			f.Close()
		}
	})
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
	stop.Store(true)
	r, rerr := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if rerr != nil {
		t.Fatal(rerr)
	}
	wg.Wait()
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "$schema") {
		t.Errorf("checkSpecFile: %v; want an error that names $schema", err)
	}
}
