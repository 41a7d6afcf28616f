package vcr

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// Decode parses a cassette as go-vcr's loader does, the reference that
// DecodeStrict is tested against; only tests need it: a file without a
// version key reads as FormatVersion, and any other version is refused.
func Decode(data []byte) (*Cassette, error) {
	c := Cassette{Version: FormatVersion}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	if c.Version != FormatVersion {
		return nil, fmt.Errorf("%w: want go-vcr v4 format \"version: %d\"", ErrUnsupportedFormat, FormatVersion)
	}
	return &c, nil
}
