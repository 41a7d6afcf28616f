package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// sarifDoc is the part of SARIF 2.1.0 that zcdrop writes, as the
// specification and GitHub's code scanning read it, declared apart from
// the writer's types so that a mistake in those does not hide itself. It
// is decoded with unknown fields refused: a misspelt member, which the
// schema would reject, fails the test.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					Name             string `json:"name"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful *bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Descriptor struct {
					ID string `json:"id"`
				} `json:"descriptor"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Properties map[string]any `json:"properties"`
		Results    []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

// readSARIF decodes a SARIF log and checks what the specification and
// GitHub require of it: the version, a named tool, rules with unique ids,
// and results that name a rule by id and index, with a known level, a
// message, and, when located, a URI reference and a line from 1.
func readSARIF(t *testing.T, out []byte) sarifDoc {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var doc sarifDoc
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not the SARIF shape: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatal("more than one JSON document")
	}
	if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-2.1.0") || len(doc.Runs) != 1 {
		t.Fatalf("version %q, schema %q, %d runs; want 2.1.0, the 2.1.0 schema and one run", doc.Version, doc.Schema, len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "zcdrop" || d.InformationURI == "" || len(d.Rules) == 0 {
		t.Errorf("driver %q at %q with %d rules, want zcdrop, a URI and rules", d.Name, d.InformationURI, len(d.Rules))
	}
	ids := map[string]bool{}
	for _, r := range d.Rules {
		if r.ID == "" || ids[r.ID] || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.HelpURI == "" || r.DefaultConfiguration.Level != "error" {
			t.Errorf("rule %+v: want a unique id, descriptions, a help URI and level error", r)
		}
		ids[r.ID] = true
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil {
		t.Errorf("invocations %+v, want one that says whether it succeeded", run.Invocations)
	}
	for i, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(d.Rules) || d.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: rule %q at index %d, which is not its rule", i, res.RuleID, res.RuleIndex)
		}
		if res.Level != "error" && res.Level != "warning" && res.Level != "note" || res.Message.Text == "" {
			t.Errorf("result %d: level %q, message %q", i, res.Level, res.Message.Text)
		}
		for _, l := range res.Locations {
			u, err := url.Parse(l.PhysicalLocation.ArtifactLocation.URI)
			if err != nil || strings.ContainsAny(l.PhysicalLocation.ArtifactLocation.URI, " \n\r\t") {
				t.Errorf("result %d: uri %q is not a URI reference: %v", i, l.PhysicalLocation.ArtifactLocation.URI, err)
			} else if u.Scheme != "" && u.Scheme != "file" {
				t.Errorf("result %d: uri %q has scheme %q", i, u, u.Scheme)
			}
			if r := l.PhysicalLocation.Region; r != nil && r.StartLine < 1 {
				t.Errorf("result %d: startLine %d", i, r.StartLine)
			}
		}
	}
	return doc
}

// TestWriteReportSARIF: over the golden cassettes, a result for each
// violation at its file and line, a rule for each kind, and the run's
// summary.
func TestWriteReportSARIF(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background(), goldenInput...)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatSARIF, results); err != nil {
		t.Fatal(err)
	}
	doc := readSARIF(t, buf.Bytes())
	run := doc.Runs[0]
	var want []Violation
	var files []string
	for _, r := range results {
		for _, v := range r.Violations {
			want = append(want, Violation{Kind: v.Kind, Message: v.String(), Line: violationLocation(r, v).Line})
			files = append(files, r.File)
		}
	}
	if len(run.Results) != len(want) || len(want) == 0 {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	for i, res := range run.Results {
		if res.RuleID != string(want[i].Kind) || res.Level != "error" || res.Message.Text != want[i].Message || len(res.Locations) != 1 {
			t.Errorf("result %d: %+v, want %+v at %s", i, res, want[i], files[i])
			continue
		}
		l := res.Locations[0].PhysicalLocation
		if l.ArtifactLocation.URI != files[i] || l.Region == nil || l.Region.StartLine != want[i].Line {
			t.Errorf("result %d at %+v, want %s:%d", i, l, files[i], want[i].Line)
		}
	}
	if s, ok := run.Properties["summary"].(map[string]any); !ok || s["total"] != float64(len(results)) || run.Properties["failed"] != true {
		t.Errorf("properties %v, want the summary and the verdict", run.Properties)
	}
}

// TestWriteReportSARIFCorpus: notices are results of level note, warnings
// are the invocation's notifications (GitHub refuses a log with a result
// that has no location), and the coverage is a property of the run.
func TestWriteReportSARIFCorpus(t *testing.T) {
	v, results := corpusReport()
	var buf bytes.Buffer
	if err := writeResults(&buf, FormatSARIF, v, results); err != nil {
		t.Fatal(err)
	}
	run := readSARIF(t, buf.Bytes()).Runs[0]
	if len(run.Results) != 1 || run.Results[0].Level != "note" || run.Results[0].RuleID != "request" ||
		run.Results[0].Locations[0].PhysicalLocation.Region.StartLine != 14 {
		t.Errorf("results %+v, want the notice as a note at line 14", run.Results)
	}
	n := run.Invocations[0].Notifications
	if len(n) != 1 || n[0].Level != "warning" || n[0].Descriptor.ID != "only-401" || n[0].Message.Text != v.Warnings[0].Message {
		t.Errorf("notifications %+v, want the warning", n)
	}
	if c, ok := run.Properties["coverage"].(map[string]any); !ok || c["percent"] != float64(50) {
		t.Errorf("properties %v, want the coverage", run.Properties)
	}
}

// TestWriteReportSARIFLocations: the artifact location is the path as
// given, as a URI reference that reads back as that path, whatever it
// holds; a file: URI for an absolute path; none for live traffic, and
// messages escaped as the text report escapes them.
func TestWriteReportSARIFLocations(t *testing.T) {
	abs, err := filepath.Abs("testdata/negative/html-on-200.yaml")
	if err != nil {
		t.Fatal(err)
	}
	h := hostileResult()
	for _, tt := range []struct {
		name, file string
		wantURI    string // "" to read it back as file
		located    bool
	}{
		{"relative", "testdata/negative/html-on-200.yaml", "testdata/negative/html-on-200.yaml", true},
		{"spaces and signs", "dir/a b#c?d%e.yaml", "", true},
		{"a colon first", "c:d.yaml", "./c:d.yaml", true},
		{"hostile", h.File, "", true},
		{"absolute", abs, "file://" + filepath.ToSlash(abs), true},
		{"live", "", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := hostileResult()
			r.File, r.Line = tt.file, 4
			var buf bytes.Buffer
			if err := WriteReport(&buf, FormatSARIF, []Result{r}); err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(buf.Bytes(), "\x1b\x00\x07\r") {
				t.Errorf("raw control bytes in SARIF:\n%q", buf.String())
			}
			res := readSARIF(t, buf.Bytes()).Runs[0].Results
			if len(res) != 1 || strings.ContainsRune(res[0].Message.Text, '\n') {
				t.Fatalf("results %+v, want one, its message on one line", res)
			}
			if len(res[0].Locations) == 0 {
				if tt.located {
					t.Error("no location")
				}
				return
			}
			uri := res[0].Locations[0].PhysicalLocation.ArtifactLocation.URI
			if tt.wantURI != "" && uri != tt.wantURI {
				t.Errorf("uri %q, want %q", uri, tt.wantURI)
			}
			if u, err := url.Parse(uri); err != nil || filepath.FromSlash(strings.TrimPrefix(u.Path, "./")) != strings.TrimPrefix(tt.file, "./") && u.Path != tt.file {
				t.Errorf("uri %q reads back as %q (%v), want %q", uri, u, err, tt.file)
			}
		})
	}
}
