package vcr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"

	"go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"
)

// Limits bounds what DecodeStrict builds from a file. Aliases (*name) let a
// few bytes of YAML stand for any amount of text: 4.8 MB that name one
// 4 MB body a thousand times mean 4 GB to whoever copies each body. The zero
// Limits allows no alias and no text.
type Limits struct {
	// MaxAliasNodes caps the YAML nodes that aliases add, counted as the
	// decoder builds them: an alias of a mapping with three keys adds
	// seven nodes each time it is used.
	MaxAliasNodes int
	// MaxTextBytes caps the bytes of every string in the decoded cassette,
	// a string that an alias repeats counted once per use.
	MaxTextBytes int64
}

// strictCassette keeps the version as the node it was written as, so that
// a missing, null or non-integer version can be told from "version: 2".
type strictCassette struct {
	Version      yaml.Node      `yaml:"version"`
	Interactions []*Interaction `yaml:"interactions"`
}

// DecodeStrict parses a cassette as a gate must, to judge exactly what the
// file says. Where go-vcr's loader reads on, DecodeStrict also refuses:
//   - a file that is not exactly one YAML document: go-vcr reads the first
//     and ignores the rest, which a reviewer may read instead;
//   - a missing, null or non-integer version, which go-vcr reads as 2
//     ("version: 2.0" included);
//   - a file whose aliases add more than lim.MaxAliasNodes nodes, or that
//     decodes to more than lim.MaxTextBytes of text.
//
// A cassette that both accept reads the same. Each error is worded to
// follow the file's name; a version error wraps ErrUnsupportedFormat.
func DecodeStrict(data []byte, lim Limits) (*Cassette, error) {
	// The count replaces the library's ratio check, which would refuse a
	// cassette that shares most of its nodes through aliases, however few.
	// The error is kept to be returned as it is, not as the parser words it.
	var overBudget error
	limits := loaderlimits.New(loaderlimits.AliasFunc(func(aliasNodes, _ int) error {
		if aliasNodes > lim.MaxAliasNodes {
			overBudget = fmt.Errorf("aliases add more than %d YAML nodes, the most a cassette may use", lim.MaxAliasNodes)
			return overBudget
		}
		return nil
	}))
	// Unmarshal's options, as Decode uses them, with the alias budget: a
	// cassette that both accept decodes to the same values.
	loader, err := yaml.NewLoader(bytes.NewReader(data), yaml.WithV3Defaults(), yaml.WithPlugin(limits))
	if err != nil {
		return nil, err
	}
	var sc strictCassette
	switch err := loader.Load(&sc); {
	case errors.Is(err, io.EOF):
		return nil, errors.New("holds no YAML document")
	case overBudget != nil:
		return nil, overBudget
	case err != nil:
		return nil, fmt.Errorf("not a go-vcr cassette: %w", err)
	}
	// The rest is parsed but never decoded, so it cannot spend the budget.
	var rest yaml.Node
	if err := loader.Load(&rest); !errors.Is(err, io.EOF) {
		return nil, errors.New("holds more than one YAML document; a cassette is one, and go-vcr would read only the first")
	}
	version, err := strictVersion(&sc.Version)
	if err != nil {
		return nil, err
	}
	c := &Cassette{Version: version, Interactions: sc.Interactions}
	if textBytes(c, lim.MaxTextBytes) > lim.MaxTextBytes {
		return nil, fmt.Errorf("cassette decodes to more than %d bytes of text, the most a cassette may hold (an alias counts once per use)", lim.MaxTextBytes)
	}
	return c, nil
}

// strictVersion returns the version written at n, which must be the
// integer FormatVersion.
func strictVersion(n *yaml.Node) (int, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	want := fmt.Sprintf("want go-vcr v4 format \"version: %d\"", FormatVersion)
	switch {
	case n.Kind == 0:
		return 0, fmt.Errorf("%w: no \"version\" key; %s", ErrUnsupportedFormat, want)
	case n.Kind != yaml.ScalarNode:
		return 0, fmt.Errorf("%w: \"version\" is not an integer (a %s); %s", ErrUnsupportedFormat, kindName(n.Kind), want)
	case n.ShortTag() == "!!null":
		return 0, fmt.Errorf("%w: \"version\" is null; %s", ErrUnsupportedFormat, want)
	case n.ShortTag() != "!!int":
		return 0, fmt.Errorf("%w: \"version\" is not an integer (a %s); %s", ErrUnsupportedFormat, n.ShortTag(), want)
	}
	var v int
	if err := n.Decode(&v); err != nil {
		return 0, fmt.Errorf("%w: \"version\": %w; %s", ErrUnsupportedFormat, err, want)
	}
	if v != FormatVersion {
		return 0, fmt.Errorf("%w: %s", ErrUnsupportedFormat, want)
	}
	return v, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "YAML node"
}

// textBytes adds up the length of every string in c, and stops once the sum
// is over limit, so that the count itself costs no more than the budget.
func textBytes(c *Cassette, limit int64) int64 {
	var n int64
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if n > limit {
			return
		}
		switch v.Kind() {
		case reflect.String:
			n += int64(v.Len())
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Key())
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(c))
	return n
}
