package eval

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// jodaFormat formats t with a Joda-Time DateTimeFormat pattern, the format
// parse_time() uses. AWS: iot-sql-functions.html#iot-sql-function-parse-time.
func jodaFormat(pattern string, t time.Time) (string, error) {
	toks, err := splitPattern(pattern)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, tk := range toks {
		if tk.letter == 0 {
			b.WriteString(tk.text)
			continue
		}
		s, err := jodaField(tk, t)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func zpad(n, width int) string {
	s := strconv.Itoa(abs(n))
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	if n < 0 {
		return "-" + s
	}
	return s
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func jodaField(tk patToken, t time.Time) (string, error) {
	n := tk.count
	switch tk.letter {
	case 'G':
		if t.Year() <= 0 {
			return "BC", nil
		}
		return "AD", nil
	case 'y', 'Y', 'u', 'x':
		if n == 2 {
			return zpad(t.Year()%100, 2), nil
		}
		return zpad(t.Year(), n), nil
	case 'M':
		return textOrNumber(n, int(t.Month()), t.Month().String()), nil
	case 'd':
		return zpad(t.Day(), n), nil
	case 'D':
		return zpad(t.YearDay(), n), nil
	case 'E':
		return textOrNumber(max(n, 3), 0, t.Weekday().String()), nil
	case 'e':
		return zpad((int(t.Weekday())+6)%7+1, n), nil
	case 'w':
		_, w := t.ISOWeek()
		return zpad(w, n), nil
	case 'a':
		return t.Format("PM"), nil
	case 'H':
		return zpad(t.Hour(), n), nil
	case 'k':
		return zpad((t.Hour()+23)%24+1, n), nil
	case 'K':
		return zpad(t.Hour()%12, n), nil
	case 'h':
		return zpad((t.Hour()+11)%12+1, n), nil
	case 'm':
		return zpad(t.Minute(), n), nil
	case 's':
		return zpad(t.Second(), n), nil
	case 'S':
		frac := zpad(t.Nanosecond(), 9)
		if n <= 9 {
			return frac[:n], nil
		}
		return frac + strings.Repeat("0", n-9), nil
	}
	return zoneField(tk, t)
}

func zoneField(tk patToken, t time.Time) (string, error) {
	switch tk.letter {
	case 'z':
		name, _ := t.Zone()
		return name, nil
	case 'Z':
		switch {
		case tk.count == 1:
			return t.Format("-0700"), nil
		case tk.count == 2:
			return t.Format("-07:00"), nil
		}
		return t.Location().String(), nil
	}
	return "", fmt.Errorf("pattern letter %q: %w", tk.letter, errPattern)
}

// textOrNumber prints a month or weekday: 3 letters abbreviated, 4+ in full,
// fewer as a number.
func textOrNumber(n, num int, name string) string {
	switch {
	case n >= 4:
		return name
	case n == 3:
		return name[:3]
	}
	return zpad(num, n)
}
