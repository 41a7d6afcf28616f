package conformance

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zcdrop/zcdrop/api"
)

// fastBenchBody is the shipped drop-dedicated cassette's success body.
const fastBenchBody = `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted. If you consider this action to be an error, you have the option to restore the deleted cluster from the recycle bin within a 30-day period. Kindly note, this recovery feature does not apply to free clusters."}}`

func fastBenchExchange(b *testing.B) Exchange {
	req, err := http.NewRequest(http.MethodDelete, "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer REDACTED")
	req.Header.Set("Accept", "application/json")
	return Exchange{Request: req, Response: &Response{StatusCode: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}, "Requestid": {"0000000000000000000000005eed00c8"}},
		Body:   []byte(fastBenchBody)}}
}

// BenchmarkFastDecodeOnly is the floor: json.Unmarshal of the success body
// into the generated success type.
func BenchmarkFastDecodeOnly(b *testing.B) {
	body := []byte(fastBenchBody)
	b.ReportAllocs()
	for b.Loop() {
		var s api.DropClusterSuccess
		if err := json.Unmarshal(body, &s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFastValidate is Validator.Validate of a conforming drop exchange,
// as callers get it; BenchmarkFullValidate forces the multi-error pass that
// the fast path falls back to.
func BenchmarkFastValidate(b *testing.B) { benchValidate(b, newTestValidator(b)) }

func BenchmarkFullValidate(b *testing.B) { benchValidate(b, newFullValidator(b)) }

func benchValidate(b *testing.B, v *Validator) {
	ex := fastBenchExchange(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if vs := v.Validate(ctx, ex); len(vs) != 0 {
			b.Fatal(vs)
		}
	}
}

// BenchmarkFastTransportRaw and BenchmarkFastTransportEnforce are a drop
// round trip on loopback, without and with a Transport in ModeEnforce.
func BenchmarkFastTransportRaw(b *testing.B) { benchTransport(b, nil) }

func BenchmarkFastTransportEnforce(b *testing.B) { benchTransport(b, newTestValidator(b)) }

func BenchmarkFullTransportEnforce(b *testing.B) { benchTransport(b, newFullValidator(b)) }

func benchTransport(b *testing.B, v *Validator) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, fastBenchBody)
	}))
	defer srv.Close()
	var rt http.RoundTripper = srv.Client().Transport
	if v != nil {
		rt = &Transport{Validator: v, Mode: ModeEnforce, Base: rt}
	}
	client := &http.Client{Transport: rt}
	url := srv.URL + "/v2/clusters/in01-6183d6bac30f801/drop"
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodDelete, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer REDACTED")
		req.Header.Set("Accept", "application/json")
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var s api.DropClusterSuccess
		if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
	}
}
