package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var describeHelp = help{
	usage: "zcdrop describe [flags] CLUSTER_ID",
	description: `Describes a Zilliz Cloud cluster: GET /v2/clusters/{clusterId}, and prints
its status. It changes nothing and sends no drop, so it is safe to run at any
time, and again.

After a drop whose outcome is unknown, it tells what happened:
  RUNNING             the drop did not happen; sending it again is safe
  DELETING, DELETED   the drop happened; "zcdrop wait ID" waits until it is gone
  not found (exit 3)  the cluster is gone, or the ID or region is wrong
A status that openapi.yaml does not list is printed as it came, marked
"(unknown status)", and is no failure.

The API key comes from the ZILLIZ_API_KEY environment variable or from
--api-key-file, as for drop. A request that fails for want of an answer (the
network, a 5XX, a 429) is tried again within --attempts: describing is safe
to repeat.

Text output is one line on stdout: "cluster ID: STATUS (request id R)". With
--output json, stdout holds one JSON document whatever happens:
{"clusterId", "status", "known", "requestId"}, where known is false for a
status that openapi.yaml does not list, or {"error": {..., "kind": ...}} for
every failure, usage errors included.
`,
	exitCodes: `  0  described (whatever the status, an unknown one included)
  1  API error, or a response that breaks the spec under --validate enforce
  2  usage error, invalid cluster ID or no API key; nothing sent
  3  cluster not found (96018): gone, or the ID or region is wrong
  4  key rejected or without permission
  5  network or server failure (after retries)
`,
}

// describeReport is the JSON form of a describe.
type describeReport struct {
	ClusterID string `json:"clusterId"`
	Status    string `json:"status"`
	// Known is false for a status that openapi.yaml does not list.
	Known     bool   `json:"known"`
	RequestID string `json:"requestId"`
}

// runDescribe is "zcdrop describe": one Describe Cluster, and its status.
func runDescribe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f apiFlags
	var parseErrors bytes.Buffer
	fs := newFlagSet("describe", describeHelp, &parseErrors)
	f.register(fs, dropTimeout, "give up after this long, retries included",
		"tries in all when no whole answer came, or the API answered 429 or 5XX (1: no retries)")
	out := &dropOutput{cmd: "describe", stdout: stdout, stderr: stderr}
	if exit, ok := f.parse(fs, args, &parseErrors, out); !ok {
		return exit
	}
	client, fail := f.open("describe", fs.Args(), out)
	if fail != nil {
		return out.stop(*fail)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	cl, err := client.DescribeCluster(ctx, out.clusterID)
	client.warnings.flush()
	if err != nil {
		return out.report(describeFailure(err, out.clusterID))
	}
	if out.json {
		_ = json.NewEncoder(out.stdout).Encode(describeReport{ClusterID: cl.ClusterID, Status: string(cl.Status), Known: cl.Status.Known(), RequestID: cl.RequestID})
		return exitOK
	}
	unknown := ""
	if !cl.Status.Known() {
		unknown = " (unknown status)"
	}
	// The status and the request ID are the server's: escaped, so that
	// they cannot fake a line or act on the terminal.
	fmt.Fprintf(out.stdout, "cluster %s: %s%s (request id %s)\n",
		termsafe.String(cl.ClusterID), termsafe.String(string(cl.Status)), unknown, termsafe.String(orNone(cl.RequestID)))
	return exitOK
}

// describeFailure sorts an error from describing clusterID as a drop's
// would be sorted, but for the hints that speak of a drop that may have
// happened: a describe that failed in transit changed nothing, and may be
// run again.
func describeFailure(err error, clusterID string) failureReport {
	r := classify(err, clusterID)
	switch {
	case r.Kind == "timeout":
		r.Hint = "no answer in time; describing changes nothing, so running it again is safe (perhaps with a longer --timeout)"
	case r.Kind == "network" && !isDialError(err):
		r.Hint = "the request failed in transit; describing changes nothing, so running it again is safe"
	case r.Kind == "unexpected_response":
		r.Hint = "the answer was not what the API sends (a proxy or gateway may be in the way, or the API has changed); describing changes nothing, so running it again is safe"
	case r.Kind == "not_found":
		r.Hint = "no such cluster: it was dropped and is gone, or the ID or region is wrong"
	}
	return r
}
