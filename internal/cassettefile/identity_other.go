//go:build !unix

package cassettefile

import "os"

// fileIdentity is not known here; distinctFiles compares files with
// os.SameFile instead.
type fileIdentity struct{}

// identity returns false: only os.SameFile tells files apart here.
func identity(os.FileInfo) (fileIdentity, bool) { return fileIdentity{}, false }
