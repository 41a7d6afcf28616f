package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/probe"
)

var probeHelp = help{
	usage: "zcdrop probe [flags]",
	description: `Checks the live Drop Cluster API against openapi.yaml with probes that cannot
delete anything:
  not-found    drops a made-up cluster ID that no cluster can have;
               expects HTTP 200 with code 96018 or 96036
  invalid-key  the same, with a made-up API key; expects HTTP 401 with the
               error envelope (code 21119 today)
Every exchange is validated, requests are never retried and are at least
100ms apart, and a report (one entry per answered probe) goes to stdout.
When no probe got an answer, the text report is left out and stderr says
so; the json and junit reports are written all the same, for CI's parsers.

THIS DELETES DATA: --drop-cluster ID together with
--i-understand-this-deletes-data adds a third probe, drop, which really drops
cluster ID and expects success. Either flag alone is refused and nothing is
sent.

The API key comes from ZILLIZ_API_KEY or --api-key-file. With --record DIR,
each answered probe is saved as DIR/probe-<name>.yaml with the key redacted;
"zcdrop conformance DIR" checks them.
`,
	exitCodes: `  0  every probe conforms
  1  a probe found a violation
  2  usage error, refused drop, or --record DIR not writable
  5  a probe got no answer, or none it can use (429, 5XX, a body that broke off)
`,
}

// probeSleep is the probe.Config.Sleep of every probe run, selftest's
// included: nil waits for real. Tests replace it with a fake clock's Sleep,
// as they replace isTerminal, so that the pacing between probes costs them
// no time.
var probeSleep func(ctx context.Context, d time.Duration) error

// runProbe is "zcdrop probe".
func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("probe", probeHelp, stderr)
	keyFile := fs.String("api-key-file", "", apiKeyFileUsage)
	region := fs.String("region", "global", "control plane: global or cn")
	override := fs.String("base-url", "", "send requests to `URL` (https, or http on loopback); overrides --region")
	formatName := fs.String("format", string(conformance.FormatText), "report `format`: text, json, junit, github, sarif or html")
	recordDir := fs.String("record", "", "save each answered probe as a cassette in `DIR`")
	dropID := fs.String("drop-cluster", "", "also REALLY DROP cluster `ID` (needs --i-understand-this-deletes-data)")
	confirmed := fs.Bool("i-understand-this-deletes-data", false, "confirm --drop-cluster")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long, all probes included")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usageErr := func(format string, a ...any) int {
		printError(stderr, "probe", format, a...)
		return exitUsage
	}
	switch {
	case fs.NArg() != 0:
		return usageErr("takes no arguments, got %q (see zcdrop probe --help)", fs.Args())
	case *dropID != "" && !*confirmed:
		return usageErr("refusing to drop cluster %s: --drop-cluster deletes data and needs --i-understand-this-deletes-data too. Nothing sent.", *dropID)
	case *confirmed && *dropID == "":
		return usageErr("--i-understand-this-deletes-data needs --drop-cluster ID. Nothing sent.")
	case *timeout <= 0:
		return usageErr("--timeout must be positive, not %s", *timeout)
	}
	format, err := conformance.ParseFormat(*formatName)
	if err != nil {
		return usageErr("%v", err)
	}
	base, err := baseURL(*region, *override)
	if err != nil {
		return usageErr("%v", err)
	}
	key, err := apiKey(*keyFile)
	if err != nil {
		return usageErr("%v", err)
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	results, err := probe.Run(ctx, probe.Config{
		BaseURL:       base,
		APIKey:        key,
		RecordDir:     *recordDir,
		DropClusterID: *dropID,
		ConfirmDrop:   *confirmed,
		Sleep:         probeSleep,
	})
	var noAnswer *probe.Error
	isNoAnswer := errors.As(err, &noAnswer)
	// A report is written whenever probes ran, so that CI always has a
	// document to parse; but a text report of nothing ("0 interactions")
	// would only hide the error below it from a reader.
	ran := len(results) > 0 || err == nil || isNoAnswer
	if ran && !(format == conformance.FormatText && len(results) == 0) {
		if werr := conformance.WriteReport(stdout, format, results); werr != nil {
			printError(stderr, "probe", "write report: %v", werr)
			return exitUsage
		}
	}
	switch {
	case isNoAnswer:
		printError(stderr, "probe", "%v", err)
		return exitNetwork
	case err != nil:
		return usageErr("%v", err)
	case conformance.Summarize(results).Failed > 0:
		return exitFailed
	}
	return exitOK
}
