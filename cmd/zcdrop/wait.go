package main

import (
	"bytes"
	"context"
	"io"
)

var waitHelp = help{
	usage: "zcdrop wait [flags] CLUSTER_ID",
	description: `Waits until a cluster is gone: polls Describe Cluster (GET
/v2/clusters/{clusterId}) until it finds the cluster DELETED, or not at all.
It sends no drop: it only watches, so it is safe to run at any time, and
again. It is how to find out what became of a drop whose outcome is unknown,
or to wait again after "zcdrop drop --wait" ran out of time; "zcdrop drop
--if-exists" is what drops.

It waits as drop --wait does: polling half a second apart at first, doubling
to 10 seconds; on a terminal, stderr shows one live line with the status and
the time spent; otherwise stderr gets one line per status change (none with
--output json). It keeps polling through RUNNING, DELETING and any other
status, as describe may lag behind a drop: a cluster that no one dropped
stays RUNNING until --timeout runs out (exit 6). "zcdrop describe ID" shows
the status once. Not found is taken for gone, as it is after a drop, but it
is what a wrong ID or region gets too.

The API key comes from the ZILLIZ_API_KEY environment variable or from
--api-key-file, as for drop. Ctrl-C (or SIGTERM) stops the wait (exit 130).

Text output is one line on stdout once the cluster is gone. With --output
json, stdout holds one JSON document whatever happens: {"clusterId", "wait":
{"status", "notFound", "gone", "polls", "elapsedSeconds", "requestId"}}, with
"error" beside "wait" when the wait stopped before the cluster was gone, or
{"error": {..., "kind": ...}} alone for a usage error.
`,
	exitCodes: `  0  the cluster is gone: DELETED, or not found
  1  API error, or a response that breaks the spec under --validate enforce
  2  usage error, invalid cluster ID or no API key; nothing sent
  4  key rejected or without permission
  5  network or server failure: too many polls failed in a row
  6  not yet gone when --timeout ran out
  130  interrupted (Ctrl-C, SIGTERM) while waiting
`,
}

// runWait is "zcdrop wait": drop --wait's wait, without the drop.
func runWait(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f apiFlags
	var parseErrors bytes.Buffer
	fs := newFlagSet("wait", waitHelp, &parseErrors)
	f.register(fs, dropWaitTimeout, "give up waiting after this long (exit 6)", "")
	out := &dropOutput{cmd: "wait", stdout: stdout, stderr: stderr}
	if exit, ok := f.parse(fs, args, &parseErrors, out); !ok {
		return exit
	}
	client, fail := f.open("wait", fs.Args(), out)
	if fail != nil {
		return out.stop(*fail)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	wr, err := waitFor(ctx, client.Client, out.clusterID, out)
	client.warnings.flush()
	return out.waited(nil, out.clusterID, wr, err, context.Cause(ctx), f.timeout)
}
