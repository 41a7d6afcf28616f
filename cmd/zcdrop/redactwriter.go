package main

import (
	"bytes"
	"io"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// lineRedactor writes what it is given a whole line at a time, with its
// secrets hidden, so that a secret split across two writes is still seen
// whole. Close writes what is left after the last line break.
type lineRedactor struct {
	w       io.Writer
	secrets *redact.Secrets
	pending []byte
}

// Write holds p until a line break ends it, and writes every whole line
// hidden.
func (l *lineRedactor) Write(p []byte) (int, error) {
	l.pending = append(l.pending, p...)
	i := bytes.LastIndexByte(l.pending, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(l.w, l.secrets.String(string(l.pending[:i+1]))); err != nil {
		return 0, err
	}
	l.pending = append(l.pending[:0], l.pending[i+1:]...)
	return len(p), nil
}

// Close writes, hidden, what no line break ended.
func (l *lineRedactor) Close() error {
	if len(l.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(l.w, l.secrets.String(string(l.pending)))
	l.pending = nil
	return err
}

// hideEnvKey returns stdout and stderr writing through a lineRedactor of
// the API key in ZILLIZ_API_KEY, when it holds one, and the function that
// flushes them. The gate knows no key of its own, and hides only what looks
// like one; but CI runs it with the key of its live checks in the
// environment, and a recording that holds that key, where the gate quotes
// what it read, must not print it.
func hideEnvKey(stdout, stderr io.Writer) (io.Writer, io.Writer, func()) {
	key, err := apiKey("")
	if err != nil || len(key) < zcdrop.MinAPIKeyLength {
		return stdout, stderr, func() {}
	}
	secrets := redact.New(key)
	out := &lineRedactor{w: stdout, secrets: secrets}
	errOut := &lineRedactor{w: stderr, secrets: secrets}
	return out, errOut, func() {
		out.Close()
		errOut.Close()
	}
}
