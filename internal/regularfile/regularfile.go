// Package regularfile reads a file that a user or a pull request named as
// the hostile input it may be: a regular file (or a link to one) only, and
// no more than a limit. A device may never end, a FIFO blocks its reader
// until a writer comes, and opening some devices acts on them, so anything
// else is refused by its kind, before it is opened, and never blocks.
package regularfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError is returned by Read for a path that is not a regular
// file. Its message says what it is instead: "is a named pipe (FIFO), not a
// regular file".
type NotRegularError struct {
	// Kind names what the path is: "a directory", "a named pipe (FIFO)",
	// "a socket", "a character device", "a block device" or "a special
	// file".
	Kind string
}

// Error says what the file is, and that it is not a regular file.
func (e *NotRegularError) Error() string { return "is " + e.Kind + ", not a regular file" }

// TooLargeError is returned by Read for a file larger than its limit.
type TooLargeError struct {
	// Limit is the most Read would read, in bytes.
	Limit int64
}

// Error names the limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("is larger than %d bytes", e.Limit)
}

// Read returns the content of path, which must be a regular file (or a link
// to one) of at most limit bytes. It returns a *NotRegularError or a
// *TooLargeError for anything else, and the *fs.PathError of the file system
// when path cannot be read at all.
func Read(path string, limit int64) ([]byte, error) {
	return read(path, limit, true)
}

// ReadKnown is Read for a path that os.Stat has just shown to be a regular
// file of at most limit bytes: it does not state the path again before it
// opens it, a system call saved for each file of a corpus. What it opens
// is checked all the same.
func ReadKnown(path string, limit int64) ([]byte, error) {
	return readKnown(path, limit)
}

// read is Read, which states path first when stat is set.
func read(path string, limit int64, stat bool) ([]byte, error) {
	f, info, err := open(path, limit, stat)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Sized by what open saw, one byte more to see the end: a file that
	// grows since then costs the appends of io.ReadAll, never more than
	// limit.
	data, err := readAll(io.LimitReader(f, limit+1), max(info.Size()+1, 512))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}

// readAll is io.ReadAll into a buffer of capacity size at first.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// Open opens path for reading as Read does, and refuses what Read refuses
// before anything is read: a *NotRegularError, or a *TooLargeError when
// the file is larger than limit bytes as it is opened. A file may grow
// after that, so a caller that must stay within limit reads through an
// io.LimitReader.
func Open(path string, limit int64) (*os.File, error) {
	f, _, err := open(path, limit, true)
	return f, err
}

// open is Open, which also returns what the open file is, and states path
// before it opens it only when stat is set.
func open(path string, limit int64, stat bool) (*os.File, fs.FileInfo, error) {
	if stat {
		info, err := os.Stat(path)
		if err != nil {
			return nil, nil, err
		}
		if err := check(info, limit); err != nil {
			return nil, nil, err
		}
	}
	// openNonBlock: a FIFO swapped in since Stat must not block the open;
	// the Stat of what was opened then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := check(info, limit); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// check refuses info unless it describes a regular file of at most limit
// bytes.
func check(info fs.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return &NotRegularError{Kind: kind(info.Mode())}
	}
	if info.Size() > limit {
		return &TooLargeError{Limit: limit}
	}
	return nil
}

// kind names the kind of a file that is not regular.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}
