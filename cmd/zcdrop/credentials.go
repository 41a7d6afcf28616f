package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// errNoAPIKey says how to provide a key. A dry run without one repeats it as
// the reason the real drop would fail.
var errNoAPIKey = errors.New("no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH (a file holding only the key)")

// apiKey reads the key from file, or else from ZILLIZ_API_KEY. It is never
// a flag's value: flags show in process lists. Errors say how to provide a
// key and never quote the file's content.
func apiKey(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read --api-key-file: %w", err)
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
