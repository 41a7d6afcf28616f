package zcdrop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/zcdrop/zcdrop/api"
)

// maxBodyBytes caps what is read of an answer: Drop Cluster bodies are a
// few hundred bytes.
const maxBodyBytes = 1 << 20

// interpret sorts a complete response into a success, an *APIError or an
// *UnexpectedResponseError. It never returns two nils.
func interpret(httpRes *http.Response, body []byte) (*DropResult, error) {
	requestID := httpRes.Header.Get("requestid")
	httpRes.Body = io.NopCloser(bytes.NewReader(body))
	parsed, err := api.ParseDropClusterResponse(httpRes)
	if err != nil {
		return nil, unexpected(httpRes, body, "malformed JSON: "+err.Error())
	}
	var envelope *api.ErrorEnvelope
	switch {
	case parsed.JSON200 != nil:
		res, env, reason := decode200(parsed.JSON200)
		if reason != "" {
			return nil, unexpected(httpRes, body, reason)
		}
		if env == nil {
			res.RequestID = requestID
			return res, nil
		}
		envelope = env
	case parsed.JSON401 != nil:
		envelope = parsed.JSON401
	case parsed.JSON4XX != nil:
		envelope = parsed.JSON4XX
	case parsed.JSON5XX != nil:
		envelope = parsed.JSON5XX
	default:
		return nil, unexpected(httpRes, body, "not a JSON body")
	}
	if envelope.Code == 0 || envelope.Message == "" {
		return nil, unexpected(httpRes, body, "error envelope without a non-zero code and a message")
	}
	return nil, &APIError{
		StatusCode: httpRes.StatusCode,
		Code:       int(envelope.Code),
		Message:    envelope.Message,
		RequestID:  requestID,
	}
}

func unexpected(httpRes *http.Response, body []byte, reason string) error {
	return &UnexpectedResponseError{
		StatusCode:  httpRes.StatusCode,
		ContentType: httpRes.Header.Get("Content-Type"),
		Reason:      reason,
		Snippet:     snippet(body),
		RequestID:   httpRes.Header.Get("requestid"),
	}
}

// decode200 reads an HTTP 200 body: success, or a business error (non-zero
// code), or a reason why it is neither.
func decode200(r *api.DropClusterResult) (*DropResult, *api.ErrorEnvelope, string) {
	raw, err := r.MarshalJSON()
	if err != nil {
		return nil, nil, "unreadable body: " + err.Error()
	}
	var probe struct {
		Code json.RawMessage `json:"code"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil || probe.Code == nil {
		return nil, nil, `body has no "code"`
	}
	var code int64
	if err := json.Unmarshal(probe.Code, &code); err != nil {
		return nil, nil, `"code" is not an integer`
	}
	if code != 0 {
		env, err := r.AsErrorEnvelope()
		if err != nil {
			return nil, nil, "malformed error envelope: " + err.Error()
		}
		return nil, &env, ""
	}
	ok, err := r.AsDropClusterSuccess()
	if err != nil {
		return nil, nil, "malformed success body: " + err.Error()
	}
	if ok.Data.ClusterId == "" {
		return nil, nil, `success without "data.clusterId"`
	}
	return &DropResult{ClusterID: ok.Data.ClusterId, Prompt: ok.Data.Prompt}, nil, ""
}
