package vcr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Encoder writes a cassette to a writer one interaction at a time, as
// Encode writes the whole cassette, byte for byte, so that a cassette of
// any length is never held whole.
type Encoder struct {
	w io.Writer
	n int
}

// NewEncoder returns an Encoder to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// encoderHead is how Encode begins a cassette of format version 2 with
// interactions.
const encoderHead = "---\nversion: 2\ninteractions:\n"

// Encode writes in as the cassette's next interaction, the cassette's head
// before the first.
func (e *Encoder) Encode(in *Interaction) error {
	// Encode of a cassette of in alone, its head cut: the items of a block
	// sequence are written apart from one another.
	data, err := Encode(&Cassette{Version: FormatVersion, Interactions: []*Interaction{in}})
	if err != nil {
		return err
	}
	item, ok := bytes.CutPrefix(data, []byte(encoderHead))
	if !ok {
		return fmt.Errorf("vcr: the encoding of an interaction does not start %q", encoderHead)
	}
	if e.n == 0 {
		item = data
	}
	if _, err := e.w.Write(item); err != nil {
		return err
	}
	e.n++
	return nil
}

// errNoInteraction refuses to close a cassette without interactions.
var errNoInteraction = errors.New("vcr: a cassette without interactions")

// Close ends the cassette. It writes nothing, and refuses a cassette to
// which no interaction was written, which Encoder cannot write as Encode
// would.
func (e *Encoder) Close() error {
	if e.n == 0 {
		return errNoInteraction
	}
	return nil
}
