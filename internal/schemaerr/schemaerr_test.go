package schemaerr

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const spec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/Success'
                  - $ref: '#/components/schemas/Failure'
              example: {code: 0, data: {id: a}}
components:
  schemas:
    Success:
      type: object
      required: [code, data]
      properties:
        code: {type: integer, enum: [0]}
        data:
          type: object
          required: [id, status]
          properties:
            id: {type: string}
            status: {type: string}
    Failure:
      type: object
      required: [code, message]
      properties:
        code: {type: integer, not: {enum: [0]}}
        message: {type: string}
`

// TestSummaryIsOneLine: an example that breaks its schema is described on
// one line, by the closest oneOf branch, with the example named and no
// schema dump.
func TestSummaryIsOneLine(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	verr := doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
	if verr == nil {
		t.Fatal("Validate accepted an example without the required status")
	}
	if !strings.Contains(verr.Error(), "Schema:") {
		t.Fatalf("kin-openapi no longer dumps the schema, so this test checks nothing: %v", verr)
	}
	got := Summary(verr)
	for _, want := range []string{"invalid example", `/data/status: property "status" is missing`, "closest oneOf branch: Success"} {
		if !strings.Contains(got, want) {
			t.Errorf("Summary = %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "\n") || strings.Contains(got, "Schema:") || strings.Contains(got, "Failure)") {
		t.Errorf("Summary is not one line about the closest branch: %q", got)
	}
}

// TestSummaryWithoutSchemaError: an error without a schema failure keeps its
// own message, and a MultiError is joined on one line.
func TestSummaryWithoutSchemaError(t *testing.T) {
	a, b := openapi3.MultiError{errString("first"), errString("second")}, errString("only")
	if got := Summary(a); got != "first; second" {
		t.Errorf("Summary(MultiError) = %q", got)
	}
	if got := Summary(b); got != "only" {
		t.Errorf("Summary = %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
