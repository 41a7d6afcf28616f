package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// errNoAPIKey says how to provide a key. A dry run without one repeats it as
// the reason the real drop would fail.
var errNoAPIKey = errors.New("no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH (a file holding only the key)")

// maxKeyFileBytes caps what --api-key-file reads. A key is tens of bytes; a
// larger file is not a key file, and /dev/zero behind a link never ends.
const maxKeyFileBytes = 4096

// apiKeyFileUsage is the --api-key-file flag's usage, the same for every
// command that takes a key.
const apiKeyFileUsage = "read the API key from `PATH` instead of ZILLIZ_API_KEY; a regular file of at most 4 KiB (or a link to one), holding only the key"

// apiKey reads the key from file, or else from ZILLIZ_API_KEY. It is never
// a flag's value: flags show in process lists. Errors say how to provide a
// key and never quote the file's content.
func apiKey(file string) (string, error) {
	if file != "" {
		b, err := readKeyFile(file)
		if err != nil {
			return "", err
		}
		key := strings.TrimSpace(string(b))
		if key == "" {
			return "", fmt.Errorf("--api-key-file %s is empty", file)
		}
		if strings.ContainsAny(key, " \t\r\n") {
			return "", fmt.Errorf("--api-key-file %s holds more than one line or word; it must hold the key alone", file)
		}
		return key, nil
	}
	if key := strings.TrimSpace(os.Getenv("ZILLIZ_API_KEY")); key != "" {
		return key, nil
	}
	return "", errNoAPIKey
}

// readKeyFile reads path, which must be a regular file (or a link to one) of
// at most maxKeyFileBytes. Anything else is refused by kind, and before it is
// opened when it can be: a device may never end and a FIFO blocks until a
// writer comes.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read --api-key-file: %w", err)
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	// O_NONBLOCK: a FIFO swapped in since Stat must not block the open; the
	// Stat of what was opened then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read --api-key-file: %w", err)
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("read --api-key-file: %w", err)
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read --api-key-file: %w", err)
	}
	if len(b) > maxKeyFileBytes {
		return nil, fmt.Errorf("--api-key-file %s is larger than %d bytes; it must hold the key alone", path, maxKeyFileBytes)
	}
	return b, nil
}

// checkRegular refuses anything at path that is not a regular file, naming
// what it is.
func checkRegular(path string, info fs.FileInfo) error {
	if info.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("--api-key-file %s is %s, not a regular file", path, fileKind(info.Mode()))
}

// fileKind names the kind of a file that is not regular.
func fileKind(m fs.FileMode) string {
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
