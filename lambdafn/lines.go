package lambdafn

import (
	"bytes"
	"log/slog"
)

// maxLine bounds a line kept in memory; a longer one is logged in pieces.
const maxLine = 256 << 10

// lineLog is a process's stdout or stderr: each line is one log record
// naming the function, as Lambda sends each line to CloudWatch Logs. Its
// Write is called by os/exec's one copying goroutine, flush after Wait.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
type lineLog struct {
	log              *slog.Logger
	function, stream string
	buf              []byte
}

func newLineLog(log *slog.Logger, function, stream string) *lineLog {
	return &lineLog{log: log, function: function, stream: stream}
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) >= maxLine {
		l.emit(l.buf)
		l.buf = nil
	}
	return len(p), nil
}

// flush logs a last line without its newline.
func (l *lineLog) flush() {
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = nil
	}
}

func (l *lineLog) emit(line []byte) {
	l.log.Info(string(bytes.TrimSuffix(line, []byte("\r"))), "function", l.function, "stream", l.stream)
}
