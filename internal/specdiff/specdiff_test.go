package specdiff

import (
	"os"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

// The tests edit copies of the repository's openapi.yaml, in memory or in
// t.TempDir(); the real file is only read.

const (
	specPath   = "../../openapi.yaml"
	configPath = "../../api/oapi-codegen.yaml"
)

// spec returns the repository's openapi.yaml with edits applied, failing
// the test if an edit does not apply: a test whose edit silently missed
// would compare the spec with itself and prove nothing.
func spec(t *testing.T, edits ...specedit.Edit) []byte {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(specedit.Apply(t, string(data), edits...))
}

// Where the tests edit the spec: the drop's success data, its operation,
// and the clusterId parameter that both operations share.
var (
	dropData           = specedit.Path("components", "schemas", "DropClusterData")
	dropDataProperties = specedit.Path("components", "schemas", "DropClusterData", "properties")
	dropOperation      = specedit.Operation("dropCluster")
	clusterIDType      = specedit.Path("components", "parameters", "ClusterId", "schema")
)

// statusProperty is an optional string property of the success data.
const statusProperty = "        status:\n          description: Where the drop is.\n          type: string\n"

// The spec's edits that the tests share.
var (
	// addOptionalStatus adds statusProperty after the success data's
	// last property.
	addOptionalStatus = specedit.Append(dropDataProperties, statusProperty)
	// addWriteOnlyStatus adds the same property as write-only: a server
	// never sends it in a response.
	addWriteOnlyStatus = specedit.Append(dropDataProperties, statusProperty+"          writeOnly: true\n")
	// requireStatus makes that property required.
	requireStatus = specedit.Replace(dropData, "required: [clusterId, prompt]", "required: [clusterId, prompt, status]")
	// narrowClusterID narrows the pattern of the clusterId parameter,
	// which both operations use.
	narrowClusterID = specedit.Replace(clusterIDType, `pattern: '^in([0-9]{2})?-[a-z0-9]+$'`, `pattern: '^in[0-9]{2}-[a-z0-9]+$'`)
)
