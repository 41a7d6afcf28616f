package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zcdrop/zcdrop/internal/regularfile"
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

// readKeyFile reads path, which must be a regular file (or a link to one)
// of at most maxKeyFileBytes; anything else is refused by its kind, before
// it is opened (see package regularfile).
func readKeyFile(path string) ([]byte, error) {
	b, err := regularfile.Read(path, maxKeyFileBytes)
	var notRegular *regularfile.NotRegularError
	var tooLarge *regularfile.TooLargeError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("--api-key-file %s %w", path, err)
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("--api-key-file %s is larger than %d bytes; it must hold the key alone", path, maxKeyFileBytes)
	case err != nil:
		return nil, fmt.Errorf("read --api-key-file: %w", err)
	}
	return b, nil
}
