package jsonstrict

import (
	"encoding/json"
	"slices"
)

// Keys returns the object's keys in document order; only tests look at
// them all.
func (o *Object) Keys() []string { return slices.Clone(o.keys) }

// Raw returns the member key's value as it is written, and whether the
// object has that exact key; only tests read a member unchecked.
func (o *Object) Raw(key string) (json.RawMessage, bool) {
	v, ok := o.members[key]
	return v, ok
}
