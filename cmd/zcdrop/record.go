package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"runtime/debug"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/har"
	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/termsafe"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// recordConvertHelp is the help of "zcdrop record convert", which is also
// "zcdrop record"'s: it is the only record command.
var recordConvertHelp = help{
	usage: "zcdrop record convert [--to har|cassette] [--api-key-file PATH] IN OUT",
	description: `Converts recorded traffic between a HAR 1.2 file (as browsers, proxies,
Playwright, k6 and Redocly's proxy write it) and a go-vcr v4 cassette, so
that traffic recorded in one format can be checked or replayed in the
other. IN's format is told by its content, not its name: a HAR file is a
JSON object with a "log" member, and anything else is read as a cassette.
--to names the format to write, and must be the other one.

Every interaction is redacted on the way, as zcdrop probe --record redacts
what it records: each Authorization header keeps its scheme and says
REDACTED; a user or password, every query value and a fragment in a URL
become REDACTED; and the API key, when ZILLIZ_API_KEY or --api-key-file
gives one, is replaced wherever it occurs, escaped or encoded.

A HAR entry reads as the interaction go-vcr would have recorded: bodies
in base64 are decoded, and a body that a HAR tool decompressed reads as
net/http's (uncompressed: true). What a HAR file cannot say of a cassette
is kept in "_vcr" members, so that a cassette converted to HAR and back is
the cassette again. IN is read within the gate's budget: a cassette of at
most 64 MiB (over 4 MiB, "version: 2" first and its items in block style), a HAR file of at
most 64 MiB with entries of at most 8 MiB each.

OUT is a new file: an existing file or link at OUT is refused, never
replaced or followed. It is written beside its name and appears whole.
`,
	exitCodes: `  0  converted
  2  usage error, unreadable input, OUT exists or cannot be written, or an interrupt
`,
}

// runRecord is "zcdrop record": the commands on recordings.
func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		newFlagSet("record convert", recordConvertHelp, stderr).Usage()
		return exitUsage
	}
	switch args[0] {
	case "convert":
		return runRecordConvert(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		// Help goes to stderr, as every command's --help does.
		newFlagSet("record convert", recordConvertHelp, stderr).Usage()
		return exitOK
	}
	fmt.Fprintf(stderr, "zcdrop record: unknown command %q; the one record command is convert\n\n", args[0])
	newFlagSet("record convert", recordConvertHelp, stderr).Usage()
	return exitUsage
}

// The formats that record convert reads and writes, as --to names them.
const (
	formatHAR      = "har"
	formatCassette = "cassette"
)

// describeFormat names a format for a person.
func describeFormat(format string) string {
	if format == formatHAR {
		return "a HAR 1.2 file"
	}
	return "a go-vcr v4 cassette"
}

// runRecordConvert is "zcdrop record convert". It writes OUT only once IN
// has been read whole and converted, so that a bad input leaves nothing.
func runRecordConvert(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "record convert"
	flags := newFlagSet(cmd, recordConvertHelp, stderr)
	to := flags.String("to", "", "the `format` to write, har or cassette; by default the one IN is not")
	keyFile := flags.String("api-key-file", "", "redact the API key read from `PATH` (else ZILLIZ_API_KEY's, if set); "+
		"a regular file of at most 4 KiB (or a link to one), holding only the key")
	if code, ok := parseFlags(flags, args); !ok {
		return code // flag has printed the error and the usage.
	}
	usageError := func(format string, a ...any) int {
		printError(stderr, cmd, format, a...)
		fmt.Fprintln(stderr)
		flags.Usage()
		return exitUsage
	}
	switch *to {
	case "", formatHAR, formatCassette:
	default:
		return usageError("--to must be har or cassette, not %q", *to)
	}
	for _, a := range flags.Args() {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return usageError("flags must come before IN and OUT; %q came after them", a)
		}
	}
	if flags.NArg() != 2 {
		return usageError("want IN and OUT, got %d arguments", flags.NArg())
	}
	in, out := flags.Arg(0), flags.Arg(1)
	switch {
	case in == "" || out == "":
		return usageError("IN and OUT must name files; an argument is empty")
	case out == "-":
		// A file named "-" is what nobody asking for stdout wants.
		return usageError(`OUT must name a file; "-" (standard output) is not one here`)
	}
	secrets, err := convertSecrets(*keyFile)
	if err != nil {
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}
	from, err := sniff(in)
	if err != nil {
		printError(stderr, cmd, "%s: %v", in, err)
		return exitUsage
	}
	switch {
	case *to == "" && from == formatHAR:
		*to = formatCassette
	case *to == "":
		*to = formatHAR
	case *to == from:
		return usageError("%s is %s already; --to %s would write what it is", in, describeFormat(from), *to)
	}
	if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
		printError(stderr, cmd, "%s: %s", out, outExists(err))
		return exitUsage
	}

	var n int
	if from == formatHAR {
		n, err = harToCassette(ctx, in, out, secrets)
	} else {
		n, err = cassetteToHAR(ctx, in, out, secrets)
	}
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		printError(stderr, cmd, "interrupted; %s was not written", out)
		return exitUsage
	case err != nil:
		// The error names the file, and quotes it only masked.
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "converted %d interactions from %s (%s) to %s (%s), redacted\n",
		n, termsafe.String(in), describeFormat(from), termsafe.String(out), describeFormat(*to))
	return exitOK
}

// outExists says why OUT is refused, given what Lstat said of it.
func outExists(lstatErr error) string {
	if lstatErr != nil {
		return lstatErr.Error()
	}
	return "already exists (a file or a link); convert writes a new file, never over one"
}

// convertSecrets returns what to hide besides Authorization values: the API
// key of --api-key-file, else of ZILLIZ_API_KEY, else none. A conversion
// needs no key, so its absence is no error.
func convertSecrets(keyFile string) (*redact.Secrets, error) {
	key, err := apiKey(keyFile)
	if errors.Is(err, errNoAPIKey) {
		return redact.New(), nil
	}
	if err != nil {
		return nil, err
	}
	return redact.New(key), nil
}

// sniff tells the format of the file at path from its first bytes, and
// refuses what is not a regular file.
func sniff(path string) (string, error) {
	f, err := regularfile.Open(path, har.DefaultFileBytes)
	if err != nil {
		return "", inputError(err, har.DefaultFileBytes)
	}
	defer f.Close()
	prefix := make([]byte, har.SniffBytes)
	n, err := io.ReadFull(f, prefix)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	if har.Looks(prefix[:n]) {
		return formatHAR, nil
	}
	return formatCassette, nil
}

// inputError words an error of regularfile for IN.
func inputError(err error, limit int64) error {
	var tooLarge *regularfile.TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &tooLarge):
		return fmt.Errorf("is larger than %d bytes (%d MiB), the most convert reads", limit, limit>>20)
	case errors.As(err, &pe):
		return pe.Err
	}
	return err
}

// harToCassette converts the HAR file at in to a cassette at out, and
// returns how many interactions it holds. A cassette is written whole, so
// the interactions are gathered first: the HAR reader's budget bounds them.
func harToCassette(ctx context.Context, in, out string, secrets *redact.Secrets) (int, error) {
	f, err := regularfile.Open(in, har.DefaultFileBytes)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", in, inputError(err, har.DefaultFileBytes))
	}
	defer f.Close()
	// Each entry is written as it is read, so that a HAR file of any size
	// costs the memory of one entry; a file that turns out unreadable, or
	// an interrupt, leaves no OUT.
	n := 0
	err = createNew(out, func(w io.Writer) error {
		enc := vcr.NewEncoder(w)
		err := har.Each(f, har.DefaultLimits(), func(_ int, i *vcr.Interaction) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			redactInteraction(i, secrets)
			n++
			return enc.Encode(i)
		})
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return fmt.Errorf("%s: %w", in, err)
		case n == 0:
			return fmt.Errorf("%s: holds no entries; a cassette without interactions proves nothing, and the gate refuses one", in)
		}
		return enc.Close()
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// cassetteToHAR converts the cassette at in to a HAR file at out, an
// interaction at a time, and returns how many it wrote. It reads as the
// gate does, a cassette over 4 MiB as a stream.
func cassetteToHAR(ctx context.Context, in, out string, secrets *redact.Secrets) (int, error) {
	lim := cassettefile.Limits{
		FileBytes:          conformance.MaxCassetteBytes,
		TextBytes:          conformance.MaxCassetteTextBytes,
		AliasNodes:         conformance.MaxCassetteAliasNodes,
		CorpusBytes:        conformance.MaxCorpusBytes,
		CorpusInteractions: conformance.MaxCorpusInteractions,
		Stream:             true,
	}
	n := 0
	err := createNew(out, func(w io.Writer) error {
		hw := har.NewWriter(w, creatorVersion())
		err := cassettefile.Each(ctx, lim, []string{in}, 1,
			func(_ context.Context, p cassettefile.Part) ([]*vcr.Interaction, error) { return p.Interactions, nil },
			func(_ cassettefile.Part, ins []*vcr.Interaction) error {
				for _, i := range ins {
					redactInteraction(i, secrets)
					if err := hw.Write(i); err != nil {
						return fmt.Errorf("%s: %w", in, err)
					}
					n++
				}
				return nil
			})
		if err != nil {
			return err
		}
		return hw.Close()
	})
	return n, err
}

// creatorVersion is the version that a HAR file written by zcdrop names.
func creatorVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// redactInteraction scrubs i as zcdrop probe --record scrubs what it
// records (see vcr.Interaction.Redact), and masks what a URL may carry
// besides, as the gate's reports do: a user and password, every query
// value, and a fragment. The operations take no query, so any is a secret
// for all anyone can tell; the form that go-vcr parsed from the query is
// masked with it.
func redactInteraction(i *vcr.Interaction, s *redact.Secrets) {
	var query url.Values
	if u, err := url.Parse(i.Request.URL); err == nil {
		query = u.Query()
	}
	i.Redact(s)
	i.Request.URL = maskURL(s, i.Request.URL)
	i.Request.RequestURI = maskURL(s, i.Request.RequestURI)
	for name := range query {
		if vs, ok := i.Request.Form[name]; ok {
			masked := make([]string, len(vs))
			for j := range masked {
				masked[j] = redact.Placeholder
			}
			i.Request.Form[name] = masked
		}
	}
}

// maskURL masks the user, password, query values and fragment of raw, and
// leaves a URL without any as it is written.
func maskURL(s *redact.Secrets, raw string) string {
	if !strings.ContainsAny(raw, "@?#") {
		return raw
	}
	return s.URL(raw)
}

// createNew creates the file path, which must not exist, with what write
// writes: in a new file of a random name beside it, which is then linked
// to path. Linking, unlike renaming, refuses a path that has come to exist
// since, and, like it, never follows a link planted there; nothing is left
// at path when write fails. On a file system without hard links, the file
// is renamed into place once path is seen free again.
func createNew(path string, write func(w io.Writer) error) error {
	f, err := regularfile.CreateBeside(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // Once linked, a second name; else what failed.
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	switch err := os.Link(tmp, path); {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %s", path, outExists(nil))
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %s", path, outExists(err))
	}
	return os.Rename(tmp, path)
}
