package specdrift

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v4"
)

// Addition is one error code that a patch appends to x-zilliz-error-codes.
type Addition struct {
	// Code is the error code, as the traffic carried it.
	Code int64
	// Meaning is the first message recorded with the code, made a single
	// line of printable text.
	Meaning string
	// Source says where the code was seen: "recorded: requestid <id> on
	// <date> (<file> interaction N)".
	Source string
}

// TableRow returns a as a row of a Markdown table of codes, "| 96099 |
// Quota exceeded. |", for a person to reword and place: a patch leaves a
// description's table as it is (see Patch.TableLine). A backslash and a
// pipe in the meaning are escaped, so that the row keeps its two cells.
func (a Addition) TableRow() string {
	return fmt.Sprintf("| %d | %s |", a.Code, strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(a.Meaning))
}

// Patch is a proposed edit of the spec's file: its error-code additions,
// and the file before and after.
type Patch struct {
	// Added lists the codes added, in ascending order; none when the
	// traffic showed no new code, and then New is Old.
	Added []Addition
	// Old and New are the file's bytes before and after.
	Old, New []byte
	// TableLine is the line, in Old, of the last row of the Markdown table
	// of codes ("| 96018 | cluster not found |") in the description beside
	// the list, or 0 when it has none or the patch adds nothing. The patch
	// leaves that table as it is: its rows group codes and word their
	// meanings as a person chose, in an order a program cannot guess, and
	// a new code's only meaning is the message a server sent. So the table
	// and the list can drift apart until a person adds the rows that
	// Addition.TableRow proposes.
	TableLine int
	// name is the file's name in a diff.
	name string
}

// Additions returns what a patch would add for r: one Addition per new
// error code, in ascending order of code, from its first sighting.
func Additions(r *Report) []Addition {
	var out []Addition
	for _, f := range r.Findings {
		if f.Class != ClassErrorCode {
			continue
		}
		meaning := printable(f.Message, maxShownMessage)
		if meaning == "" {
			meaning = "no message was recorded"
		}
		id, date := printable(f.First.RequestID, maxShownMessage), f.First.Date
		if id == "" {
			id = "unknown"
		}
		if date == "" {
			date = "unknown"
		}
		file := printable(filepath.ToSlash(f.First.File), maxShownMessage)
		out = append(out, Addition{Code: f.Code, Meaning: meaning,
			Source: fmt.Sprintf("recorded: requestid %s on %s (%s interaction %d)", id, date, file, f.First.Interaction)})
	}
	slices.SortFunc(out, func(a, b Addition) int { return cmpInt(a.Code, b.Code) })
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Patch proposes the safe additions for r: its new error codes appended,
// as text, to the spec's one x-zilliz-error-codes list, each in the list's
// flow style, "- {code: N, meaning: "...", source: "..."}", after its last
// entry. The rest of the file stays byte for byte as it was. It refuses
// (an error, no Patch) a spec without exactly one such list, a list in
// flow style or empty, and an edit that would change anything but the
// list, which is proved by parsing the result; since the list is an
// extension, what the spec declares is unchanged. With no new codes, the
// Patch adds nothing.
func (s *Spec) Patch(r *Report) (*Patch, error) {
	p := &Patch{Added: Additions(r), Old: s.data, New: s.data, name: diffName(s.path)}
	if len(p.Added) == 0 {
		return p, nil
	}
	newData, err := appendCodes(s.data, p.Added)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err)
	}
	p.New = newData
	p.TableLine = codeTableLine(s.data)
	return p, nil
}

// codeRow matches a row of a Markdown table of codes, "| 96018 | ... |" or
// "| 96012 / 96013 | ... |": its first cell starts with a digit, which
// neither the header nor the delimiter row does.
var codeRow = regexp.MustCompile(`^\s*\|\s*[0-9]`)

// codeTableLine returns the line of the last row of the table of codes in
// the description of the schema that holds data's one x-zilliz-error-codes
// list, or 0 when there is no such table. Only a literal block (|) keeps a
// table's lines, and keeps them one for one: its value's line i is the
// file's line i after the indicator's.
func codeTableLine(data []byte) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return 0
	}
	holders := codeListHolders(&root)
	if len(holders) != 1 {
		return 0
	}
	desc := resolve(valueAt(holders[0], "description"))
	if desc == nil || desc.Kind != yaml.ScalarNode || desc.Style&yaml.LiteralStyle == 0 {
		return 0
	}
	last := -1
	for i, line := range strings.Split(desc.Value, "\n") {
		if codeRow.MatchString(line) {
			last = i
		}
	}
	if last < 0 {
		return 0
	}
	return desc.Line + 1 + last
}

// appendCodes returns data, a YAML file, with adds appended to its one
// x-zilliz-error-codes list, and proves that nothing else changed.
func appendCodes(data []byte, adds []Addition) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	lists := findCodeLists(&root)
	if len(lists) != 1 {
		return nil, fmt.Errorf("holds %d %s lists; a patch needs exactly one to add to, so add the codes by hand", len(lists), errorCodesKey)
	}
	newData, err := insertCodes(data, lists[0], adds)
	if err != nil {
		return nil, fmt.Errorf("%s at line %d: %w", errorCodesKey, lists[0].Line, err)
	}
	if err := checkInsertion(data, newData, adds); err != nil {
		return nil, fmt.Errorf("the proposed edit was not made: %w", err)
	}
	return newData, nil
}

// insertCodes returns data with one line per addition inserted after the
// last entry of list, a block sequence, indented as that entry is.
func insertCodes(data []byte, list *yaml.Node, adds []Addition) ([]byte, error) {
	if list.Style&yaml.FlowStyle != 0 || len(list.Content) == 0 {
		return nil, errors.New("the list is empty or in flow style ([...]); a patch appends to a block list (- {code: ...}), so add the codes by hand")
	}
	last := list.Content[len(list.Content)-1]
	lines := bytes.SplitAfter(data, []byte("\n"))
	end := lastLine(last)
	if last.Line < 1 || end > len(lines) {
		return nil, errors.New("cannot find the list's last entry in the file")
	}
	start := lines[last.Line-1]
	if last.Column < 1 || last.Column > len(start) || !isItemPrefix(start[:last.Column-1]) {
		return nil, errors.New("the last entry does not start its own line as \"- \"; add the codes by hand")
	}
	prefix := string(start[:last.Column-1])
	eol := "\n"
	if bytes.HasSuffix(lines[end-1], []byte("\r\n")) {
		eol = "\r\n"
	}
	offset := 0
	for _, l := range lines[:end] {
		offset += len(l)
	}
	var out bytes.Buffer
	out.Write(data[:offset])
	if offset > 0 && data[offset-1] != '\n' {
		out.WriteString(eol) // The entry was the file's last line, unended.
	}
	for _, a := range adds {
		fmt.Fprintf(&out, "%s{code: %d, meaning: %s, source: %s}%s", prefix, a.Code, yamlQuote(a.Meaning), yamlQuote(a.Source), eol)
	}
	out.Write(data[offset:])
	return out.Bytes(), nil
}

// lastLine returns the last line on which n, or a node inside it, starts.
func lastLine(n *yaml.Node) int {
	line := n.Line
	for _, c := range n.Content {
		line = max(line, lastLine(c))
	}
	return line
}

// isItemPrefix reports whether b is the indentation and dash of a block
// sequence entry: spaces, "-", then at least one space.
func isItemPrefix(b []byte) bool {
	rest := bytes.TrimLeft(b, " ")
	return len(rest) >= 2 && rest[0] == '-' && len(bytes.Trim(rest[1:], " ")) == 0
}

// checkInsertion proves that newData is oldData with the additions
// appended to its one x-zilliz-error-codes list and nothing else changed:
// both are parsed, and every node but the list's new entries must match.
// A textual insertion that landed inside a multi-line value, or that the
// parser reads otherwise than intended, fails here.
func checkInsertion(oldData, newData []byte, adds []Addition) error {
	var before, after yaml.Node
	if err := yaml.Unmarshal(oldData, &before); err != nil {
		return err
	}
	if err := yaml.Unmarshal(newData, &after); err != nil {
		return fmt.Errorf("the edited file is not YAML: %w", err)
	}
	oldList, newList := findCodeLists(&before), findCodeLists(&after)
	if len(oldList) != 1 || len(newList) != 1 {
		return errors.New("the edit changed where the error codes are")
	}
	n := len(oldList[0].Content)
	if len(newList[0].Content) != n+len(adds) {
		return errors.New("the edit did not add one entry per new code")
	}
	for i, a := range adds {
		var got struct {
			Code    int64  `yaml:"code"`
			Meaning string `yaml:"meaning"`
			Source  string `yaml:"source"`
		}
		item := newList[0].Content[n+i]
		if err := item.Decode(&got); err != nil || len(item.Content) != 6 || got.Code != a.Code || got.Meaning != a.Meaning || got.Source != a.Source {
			return fmt.Errorf("the entry for code %d does not read back as written", a.Code)
		}
	}
	newList[0].Content = newList[0].Content[:n]
	if !sameNodes(&before, &after) {
		return errors.New("the edit would change more than the error codes")
	}
	return nil
}

// sameNodes reports whether a and b say the same, wherever they are.
func sameNodes(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameNodes(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// printable makes s one line of printable text of at most n characters:
// every run of white space, line breaks included (CR, LF, NEL, U+2028),
// becomes one space, and what cannot be shown is dropped: control
// characters (ESC and so every terminal sequence's introducer), format
// characters (the bidirectional overrides, a BOM), noncharacters and
// invalid UTF-8. What is left is text that YAML may hold in a quoted
// string, and that a reader of the spec sees as it is.
func printable(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsPrint(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return truncate(b.String(), n)
}

// yamlQuote writes s, which printable has made safe, as a YAML
// double-quoted string: only the backslash and the double quote need
// escaping there, and ": ", " #", quotes or a leading "-" or "&" mean
// nothing inside one.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Diff returns p as a unified diff, with three lines of context, that git
// apply and patch -p1 accept in the directory the spec's path is relative
// to: "--- a/openapi.yaml", "+++ b/openapi.yaml" for the spec read as
// openapi.yaml. A spec named by an absolute path, or one outside that
// directory, is named by its base name. Diff returns nil when p adds
// nothing.
func (p *Patch) Diff() []byte {
	if bytes.Equal(p.Old, p.New) {
		return nil
	}
	return unifiedDiff(p.name, p.Old, p.New)
}

// diffName is how a diff names the spec at path.
func diffName(path string) string {
	if filepath.IsLocal(path) {
		return filepath.ToSlash(filepath.Clean(path))
	}
	return filepath.Base(path)
}

// WriteFile writes the patched spec to path, which must name nothing yet:
// the file is created new (O_EXCL), so that an existing file is never
// replaced and a link planted at path is never followed. A file that could
// not be written whole is removed.
func (p *Patch) WriteFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: already exists (a file or a link); the proposed spec is written to a new file, never over one", path)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(p.New)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return err
	}
	return nil
}

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// unifiedDiff returns the diff from old to new, which differ in one run of
// lines: Patch only ever inserts in one place, so the common head and tail
// are the whole of what stays, and one hunk says the rest.
func unifiedDiff(name string, old, new []byte) []byte {
	a, b := splitLines(old), splitLines(new)
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	from := max(0, head-diffContext)
	oldEnd := min(len(a), len(a)-tail+diffContext)
	newEnd := min(len(b), len(b)-tail+diffContext)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n@@ -%s +%s @@\n", name, name, hunkRange(from, oldEnd-from), hunkRange(from, newEnd-from))
	line := func(mark byte, l string) {
		out.WriteByte(mark)
		out.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
	for _, l := range a[from:head] {
		line(' ', l)
	}
	for _, l := range a[head : len(a)-tail] {
		line('-', l)
	}
	for _, l := range b[head : len(b)-tail] {
		line('+', l)
	}
	for _, l := range a[len(a)-tail : oldEnd] {
		line(' ', l)
	}
	return out.Bytes()
}

// hunkRange writes a hunk's range as diff does: its first line, 1-based,
// and its length; an empty range names the line before it.
func hunkRange(from, n int) string {
	if n == 0 {
		return strconv.Itoa(from) + ",0"
	}
	return strconv.Itoa(from+1) + "," + strconv.Itoa(n)
}

// splitLines splits data after each newline, keeping it; a last line
// without one is kept too.
func splitLines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, string(data))
			break
		}
		out = append(out, string(data[:i+1]))
		data = data[i+1:]
	}
	return out
}
