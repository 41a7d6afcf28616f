package regen

import (
	"strings"

	"github.com/zcdrop/zcdrop/internal/specdiff"
)

// nameClass is what happened to an exported name of api/, as the summary
// groups them: from the most serious to the least.
type nameClass int

const (
	nameRemoved nameClass = iota
	nameChanged
	// nameAddedToInterface is a method that an interface gained: apidiff's
	// incompatible "added", which breaks every type outside the package
	// that implemented the interface (a fake of ClientInterface, say).
	nameAddedToInterface
	nameAdded
	nameChangedCompatibly
	nameClasses
)

// nameClassLabels are the summary's words for each class.
var nameClassLabels = [nameClasses]string{
	nameRemoved:           "removed",
	nameChanged:           "changed",
	nameAddedToInterface:  "added to an interface (breaks implementations)",
	nameAdded:             "added",
	nameChangedCompatibly: "changed compatibly",
}

// goNames are the exported names of api/ that a regeneration touched, each
// once, in its most serious class, in apidiff's order.
type goNames [nameClasses][]string

// classify sorts apidiff's changes by what their message says happened:
// "removed" (also "method set of *T: removed", a method that an embedding
// type lost), "added" (an ERR "added" is a method an interface gained), or
// a change ("changed from *string to string"). A name that apidiff reports
// more than once (an interface's method, and the same method in the method
// set of a type that embeds it) is listed once, in its most serious class.
func classify(changes []specdiff.GoAPIChange) goNames {
	class := map[string]nameClass{}
	var order []string
	for _, ch := range changes {
		name := ch.Name
		if name == "" {
			name = ch.Message // A change to the package as a whole.
		}
		k := classOf(ch)
		if old, seen := class[name]; !seen {
			order = append(order, name)
			class[name] = k
		} else if k < old {
			class[name] = k
		}
	}
	var n goNames
	for _, name := range order {
		n[class[name]] = append(n[class[name]], name)
	}
	return n
}

// classOf reads one change's class from its message's last part: apidiff
// puts where the change is first ("method set of *T: removed").
func classOf(ch specdiff.GoAPIChange) nameClass {
	what := ch.Message
	if i := strings.LastIndex(what, ": "); i >= 0 {
		what = what[i+2:]
	}
	incompatible := ch.Severity == specdiff.SeverityError
	switch {
	case what == "removed":
		return nameRemoved
	case what == "added" && incompatible:
		return nameAddedToInterface
	case what == "added":
		return nameAdded
	case incompatible:
		return nameChanged
	default:
		return nameChangedCompatibly
	}
}
