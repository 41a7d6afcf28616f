package zcdrop

import (
	"fmt"
	"strings"
)

// MaxClusterIDLength is the longest cluster ID DropCluster sends. Real IDs
// are about 20 characters.
const MaxClusterIDLength = 64

// ValidateClusterID returns a *ClusterIDError (matching ErrInvalidClusterID)
// for an ID that could change the request path: empty, "." or "..", longer
// than MaxClusterIDLength, or containing '/', '\', '%', '?', '#', whitespace,
// a control character or anything outside ASCII. url.PathEscape leaves dot
// segments alone and URL resolution collapses them, so "..", sent naively,
// becomes DELETE /v2/drop.
//
// It checks path safety only. Whether an ID names a real cluster is the
// server's call (code 96036), so that new ID families keep working.
func ValidateClusterID(id string) error {
	bad := func(reason string) error {
		shown := id
		if len(shown) > 32 {
			shown = shown[:32] + "..."
		}
		return &ClusterIDError{ClusterID: shown, Reason: reason}
	}
	switch {
	case id == "":
		return bad("empty")
	case id == "." || id == "..":
		return bad("a dot segment would change the request path")
	case len(id) > MaxClusterIDLength:
		return bad(fmt.Sprintf("longer than %d bytes", MaxClusterIDLength))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 0x80:
			return bad(fmt.Sprintf("non-ASCII byte at offset %d", i))
		case c <= ' ' || c == 0x7f:
			return bad(fmt.Sprintf("whitespace or control character at offset %d", i))
		case strings.IndexByte(`/\%?#`, c) >= 0:
			return bad(fmt.Sprintf("%q at offset %d would change the request path", c, i))
		}
	}
	return nil
}

// checkClusterID refuses what ValidateClusterID refuses, and first an ID
// that holds the client's key, which a script that swapped its arguments
// passes: sent, the key would sit in the request's path, which servers and
// proxies log, and in every error that names the cluster. The refusal
// quotes the ID with the key hidden.
func (c *Client) checkClusterID(id string) error {
	if masked := c.secrets.String(id); masked != id {
		return &ClusterIDError{ClusterID: masked, Reason: "it holds the API key"}
	}
	return ValidateClusterID(id)
}
