package regularfile

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// CreateBeside creates a new regular file of a random name in path's
// directory, ".<base of path>.<random>", for the caller to fill and then
// link or rename to path, so that path is written whole or not at all. It
// opens with O_EXCL, which never follows nor reuses what is at the name, a
// planted link included, and tries other names while one exists.
func CreateBeside(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	var f *os.File
	var err error
	for range 10 {
		f, err = os.OpenFile(filepath.Join(dir, "."+base+"."+rand.Text()[:12]), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	return f, err
}
