//go:build !unix

package regularfile

// openNonBlock is zero where the syscall package has no O_NONBLOCK (js,
// wasip1) or where opening a file never waits for a writer (windows, plan9):
// there, the Stat before the open is what refuses a special file.
const openNonBlock = 0
