//go:build linux

package regularfile

import (
	"io/fs"
	"syscall"
)

// readKnown is ReadKnown through the system calls themselves: open, fstat,
// read to the end, close, the descriptor non-blocking throughout. An *os.File would also register the descriptor
// with the runtime's poller (an epoll_ctl that a regular file refuses) and
// set up its cleanup, which for a corpus of small files costs as much as
// reading one. Its errors are Read's.
func readKnown(path string, limit int64) ([]byte, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := retry(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if mode := fileMode(st.Mode); !mode.IsRegular() {
		return nil, &NotRegularError{Kind: kind(mode)}
	}
	if st.Size > limit {
		return nil, &TooLargeError{Limit: limit}
	}

	// One byte more than the size, to see the end: a file that grew since
	// is read on, up to limit.
	b := make([]byte, 0, max(st.Size+1, 512))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		var n int
		err := retry(func() (err error) {
			n, err = syscall.Read(fd, b[len(b):min(int64(cap(b)), limit+1)])
			return err
		})
		if err == syscall.EAGAIN {
			// A file that calls itself regular, says it is empty, and
			// whose reads wait for data (/proc/kmsg): the descriptor is
			// left non-blocking, so it is refused at once instead of
			// holding the gate until someone writes to it.
			return nil, &NotRegularError{Kind: "a file whose reads wait for data (such as /proc/kmsg)"}
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		if b = b[:len(b)+n]; int64(len(b)) > limit {
			return nil, &TooLargeError{Limit: limit}
		}
	}
}

// retry calls f again while a signal interrupts it.
func retry(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

// fileMode is the type of a file as fs.FileMode says it, from the st_mode
// of a stat.
func fileMode(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFREG:
		return 0
	}
	return fs.ModeIrregular
}
