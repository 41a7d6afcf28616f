//go:build unix

package regularfile

import "syscall"

// openNonBlock makes opening a FIFO return at once instead of waiting for a
// writer. Reads of a regular file ignore it.
const openNonBlock = syscall.O_NONBLOCK
