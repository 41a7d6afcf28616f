package zcdrop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/jsonstrict"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// maxBodyBytes caps what is read of an answer: Drop Cluster bodies are a
// few hundred bytes.
const maxBodyBytes = 1 << 20

// interpret sorts a complete answer to a drop into a success, an
// *APIError or an *UnexpectedResponseError. It never returns two nils.
//
// It judges body as the server sent it, and secrets hide only what it
// reports: the server-supplied strings of its errors and of a success,
// after JSON decoding, so that a key written with \u escapes is hidden
// too, and a redaction can never change the verdict. The caller compares
// DropResult.ClusterID, which is left as the server wrote it, with the
// cluster it asked for.
func interpret(httpRes *http.Response, body []byte, secrets *redact.Secrets) (*DropResult, error) {
	obj, requestID, err := judge(httpRes, body, secrets, parseDrop)
	if err != nil {
		return nil, err
	}
	res, reason := decodeSuccess(obj)
	if reason != "" {
		return nil, unexpected(httpRes, body, reason, secrets)
	}
	res.Prompt = secrets.String(res.Prompt)
	res.RequestID = requestID
	return res, nil
}

// parser says whether an operation's generated parser reads an answer as
// one of the JSON bodies that the spec declares for it: by status, and
// whether the content type is JSON.
type parser func(*http.Response) (isJSON bool, err error)

func parseDrop(httpRes *http.Response) (bool, error) {
	p, err := api.ParseDropClusterResponse(httpRes)
	if err != nil {
		return false, err
	}
	return p.JSON200 != nil || p.JSON401 != nil || p.JSON4XX != nil || p.JSON5XX != nil, nil
}

func parseDescribe(httpRes *http.Response) (bool, error) {
	p, err := api.ParseDescribeClusterResponse(httpRes)
	if err != nil {
		return false, err
	}
	return p.JSON200 != nil || p.JSON401 != nil || p.JSON4XX != nil || p.JSON5XX != nil, nil
}

// judge sorts a complete answer, the same way for every operation: it
// returns the strictly read body of a success (HTTP 200, code 0), for the
// operation to decode its data, with the requestid header hidden, or the
// *APIError or *UnexpectedResponseError. It never returns a nil object
// without an error.
func judge(httpRes *http.Response, body []byte, secrets *redact.Secrets, parse parser) (*jsonstrict.Object, string, error) {
	fail := func(reason string) error { return unexpected(httpRes, body, reason, secrets) }
	httpRes.Body = io.NopCloser(bytes.NewReader(body))
	isJSON, err := parse(httpRes)
	if err != nil {
		return nil, "", fail("malformed JSON: " + err.Error())
	}
	if !isJSON {
		return nil, "", fail("not a JSON body")
	}
	// The generated types read keys as encoding/json does, ignoring case
	// and keeping the last of two, so the envelope is read again, strictly:
	// the client must believe what the Validator judges, and a body that
	// says two things is no answer.
	obj, err := jsonstrict.Decode(body)
	if err != nil {
		return nil, "", fail(err.Error())
	}
	code, err := obj.Int("code")
	if err != nil {
		return nil, "", fail(err.Error())
	}
	requestID := secrets.String(httpRes.Header.Get("requestid"))
	if httpRes.StatusCode == http.StatusOK && code == 0 {
		return obj, requestID, nil
	}
	message, err := obj.String("message")
	if code == 0 || err != nil || message == "" {
		return nil, "", fail("error envelope without a non-zero code and a message")
	}
	return nil, "", &APIError{
		StatusCode: httpRes.StatusCode,
		Code:       int(code),
		Message:    secrets.String(message),
		RequestID:  requestID,
	}
}

// unexpected builds an *UnexpectedResponseError, with every string that
// the server chose redacted, the snippet before it is cut, so that no part
// of a secret survives at the cut.
func unexpected(httpRes *http.Response, body []byte, reason string, secrets *redact.Secrets) error {
	return &UnexpectedResponseError{
		StatusCode:  httpRes.StatusCode,
		ContentType: secrets.String(httpRes.Header.Get("Content-Type")),
		Reason:      secrets.String(reason),
		Snippet:     snippet(secrets.Bytes(body)),
		RequestID:   secrets.String(httpRes.Header.Get("requestid")),
	}
}

// decodeSuccess reads the data of a drop's success (code 0), or says why
// it is not one. A prompt is optional: it informs, and decides nothing.
func decodeSuccess(obj *jsonstrict.Object) (*DropResult, string) {
	data, id, reason := successData(obj)
	if reason != "" {
		return nil, reason
	}
	prompt, err := data.String("prompt")
	if err != nil && !errors.Is(err, jsonstrict.ErrMissing) && !errors.Is(err, jsonstrict.ErrNull) {
		return nil, err.Error()
	}
	return &DropResult{ClusterID: id, Prompt: prompt}, ""
}

// successData reads the data object of a success and its clusterId, or
// says why it is not one.
//
// A success must be one whatever reads it: a key that differs from "code",
// "data", "data.clusterId" or one of more, only in case, beside it or
// instead of it, makes it no success, since a reader that ignores case, as
// encoding/json does, may take it for the real one. An error envelope
// stays an error, whatever its variants say.
func successData(obj *jsonstrict.Object, more ...string) (*jsonstrict.Object, string, string) {
	const noID = `success without "data.clusterId"`
	if reason := caseVariant(obj, "code", "data"); reason != "" {
		return nil, "", reason
	}
	data, err := obj.Object("data")
	switch {
	case errors.Is(err, jsonstrict.ErrMissing) || errors.Is(err, jsonstrict.ErrNull):
		return nil, "", noID
	case err != nil:
		return nil, "", err.Error()
	}
	if reason := caseVariant(data, append([]string{"clusterId"}, more...)...); reason != "" {
		return nil, "", reason
	}
	id, err := data.String("clusterId")
	switch {
	case errors.Is(err, jsonstrict.ErrMissing) || errors.Is(err, jsonstrict.ErrNull) || (err == nil && id == ""):
		return nil, "", noID
	case err != nil:
		return nil, "", err.Error()
	}
	return data, id, ""
}

// caseVariant says which key of obj differs from one of keys only in case,
// or "" when none does.
func caseVariant(obj *jsonstrict.Object, keys ...string) string {
	prefix := strings.ReplaceAll(strings.TrimPrefix(obj.Pointer(), "/"), "/", ".")
	if prefix != "" {
		prefix += "."
	}
	for _, key := range keys {
		if v := obj.CaseVariants(key); len(v) > 0 {
			return fmt.Sprintf("success with %q, which differs from %q only in case", prefix+v[0], prefix+key)
		}
	}
	return ""
}
