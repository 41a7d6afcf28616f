//go:build tools

// This file pins the code generator's version in go.mod, so that
// `go generate` and `go run` use exactly the version the project was built with.
package zcdrop

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
