//go:build unix

package cassettefile

import (
	"os"
	"syscall"
)

// fileIdentity names a file as os.SameFile compares files on Unix: by
// device and inode.
type fileIdentity struct{ dev, ino uint64 }

// identity returns the device and inode of the file that info describes;
// their types differ from system to system.
func identity(info os.FileInfo) (fileIdentity, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, false
	}
	return fileIdentity{uint64(st.Dev), uint64(st.Ino)}, true
}
