//go:build unix

package specdrift

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// watchFIFO makes a named pipe in dir and reports, on the channel it
// returns, when something first opens it to read; every reader gets "{}".
// release stops the watch once the readers are done, and returns when the
// watcher is gone.
func watchFIFO(t *testing.T, dir string) (path string, opened <-chan struct{}, release func()) {
	t.Helper()
	path = filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ch := make(chan struct{})
	var once sync.Once
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			// Opening to write waits for a reader: the loader, or release.
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			if stop.Load() {
				f.Close()
				return
			}
			once.Do(func() { close(ch) })
			_, _ = f.WriteString("{}")
			f.Close()
		}
	})
	release = func() {
		stop.Store(true)
		r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		r.Close()
	}
	return path, ch, release
}

// An OpenAPI 3.1 spec's examples are validated as JSON Schema 2020-12, by
// a validator that loads the file a $schema (or an $id and a relative
// $dynamicRef) names. Drift leaves examples to spec lint: LoadSpec must
// read nothing but the bytes it is given, and not block on a FIFO.
func TestLoadSpecReadsNoFileThatJSONSchemaKeywordsName(t *testing.T) {
	dir := t.TempDir()
	fifo, opened, release := watchFIFO(t, dir)
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
