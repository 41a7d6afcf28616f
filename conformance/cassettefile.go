package conformance

import (
	"context"
	"errors"

	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// The budget of one cassette. The gate reads cassettes from pull requests,
// so a file may be written to exhaust it: a huge file, aliases that repeat
// one body a thousand times, a FIFO or a device. Past the budget a file is
// unreadable (*CassetteError), never checked in part. A cassette of Drop
// Cluster traffic is a few kilobytes, and one that holds the largest bodies
// the Recorder keeps (DefaultMaxBodyBytes each way) still fits.
//
// The gate (CheckCassettes) also reads a cassette larger than
// MaxCassetteBytes, within the corpus budget, when it starts with
// "version: 2" and "interactions:" and its items are in block style, as
// go-vcr writes them: as a stream, a few dozen interactions at a time,
// each of at most MaxCassetteBytes, so that its memory does not grow with
// the file. A Replayer, which holds its cassettes, reads none so large.
const (
	// MaxCassetteBytes caps the size of a cassette file: 4 MiB. Parsing
	// YAML costs up to about a hundred times the file's size in memory for
	// a file made of nothing but tiny nodes, so this cap also bounds the
	// parser's memory, to some 400 MiB at worst.
	MaxCassetteBytes = 4 << 20
	// MaxCassetteTextBytes caps the text a cassette decodes to: 16 MiB,
	// counting every string once per use, so that an alias (*name) counts
	// as often as it is used. Without aliases, YAML's escapes can make text
	// up to one and a half times as long as the file.
	MaxCassetteTextBytes = 16 << 20
	// MaxCassetteAliasNodes caps the YAML nodes that aliases add to a
	// cassette: 10,000. go-vcr writes no aliases; a hand-written cassette
	// may share its headers through one.
	MaxCassetteAliasNodes = 10_000
)

// The budget of a corpus: every cassette that one CheckCassettes call, or
// one NewReplayer, reads. A cassette's budget alone would let a pull
// request multiply it: forty links to one 4 MiB cassette of 30,000 tiny
// interactions cost the gate 2.6 GB and 36 s. Past either cap the corpus
// is unreadable (*CassetteError naming the file that crossed it), never
// checked in part. A file that several paths name counts once.
const (
	// MaxCorpusBytes caps the bytes of all cassette files read: 64 MiB,
	// sixteen cassettes at MaxCassetteBytes.
	MaxCorpusBytes = 64 << 20
	// MaxCorpusInteractions caps the interactions of all cassettes read:
	// 100,000. The gate keeps a Result for each, so this bounds the
	// report as much as the work; a Drop Cluster corpus holds dozens.
	MaxCorpusInteractions = 100_000
)

// corpusLimits is the budget of a corpus; the exported constants above in
// use, smaller ones in tests.
type corpusLimits struct {
	bytes        int64
	interactions int
}

// budget is the cassettefile budget of a cassette within lim.
func (lim corpusLimits) budget() cassettefile.Limits {
	return cassettefile.Limits{
		FileBytes:          MaxCassetteBytes,
		TextBytes:          MaxCassetteTextBytes,
		AliasNodes:         MaxCassetteAliasNodes,
		CorpusBytes:        lim.bytes,
		CorpusInteractions: lim.interactions,
	}
}

// readCorpus reads the cassettes at paths in order, each distinct file
// once, within lim and the budget of a cassette, and hands each to visit.
// It stops at the first error, visit's included. The reading itself is
// package cassettefile's, which zcdrop spec drift shares, so that both
// read the same inputs; its errors become *CassetteError here.
func readCorpus(ctx context.Context, lim corpusLimits, paths []string, visit func(file string, c *vcr.Cassette) error) error {
	err := cassettefile.ReadCorpus(ctx, lim.budget(), paths, func(file string, _ []byte, c *vcr.Cassette) error {
		return visit(file, c)
	})
	return cassetteError(err)
}

// eachPart reads the cassettes at paths as readCorpus does, a cassette
// larger than MaxCassetteBytes too, as a stream, and checks each Part of
// them on one of workers goroutines with check, whose results it hands to
// emit in the order of the files and their interactions (see
// cassettefile.Each).
func eachPart[T any](ctx context.Context, lim corpusLimits, paths []string, workers int,
	check func(ctx context.Context, p cassettefile.Part) (T, error),
	emit func(p cassettefile.Part, result T) error) error {
	budget := lim.budget()
	budget.Stream = true
	return cassetteError(cassettefile.Each(ctx, budget, paths, workers, check, emit))
}

// cassetteError makes a *cassettefile.Error a *CassetteError.
func cassetteError(err error) error {
	var fe *cassettefile.Error
	if errors.As(err, &fe) {
		return &CassetteError{File: fe.File, Err: fe.Err}
	}
	return err
}
