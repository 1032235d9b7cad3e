package eval

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parsed collects the fields read by jdkParse.
type parsed struct {
	year, month, day, hour, min, sec, nano int
	pm, hasAmPm, hour12                    bool
	loc                                    *time.Location
	lookup                                 func(string) (*time.Location, error)
}

// jdkParse parses s with a java.time DateTimeFormatter pattern, the format
// time_to_epoch() uses; without a zone the time is UTC.
// AWS: iot-sql-functions.html#iot-sql-function-time-to-epoch.
func jdkParse(s, pattern string, zone func(string) (*time.Location, error)) (time.Time, error) {
	toks, err := splitPattern(pattern)
	if err != nil {
		return time.Time{}, err
	}
	p := parsed{year: 1970, month: 1, day: 1, loc: time.UTC, lookup: zone}
	rest := s
	for _, tk := range toks {
		if tk.letter == 0 {
			if !strings.HasPrefix(rest, tk.text) {
				return time.Time{}, fmt.Errorf("parse %q: expected %q", s, tk.text)
			}
			rest = rest[len(tk.text):]
			continue
		}
		if rest, err = p.field(tk, rest); err != nil {
			return time.Time{}, err
		}
	}
	if rest != "" {
		return time.Time{}, fmt.Errorf("parse %q: trailing text %q", s, rest)
	}
	return p.time(), nil
}

func (p *parsed) time() time.Time {
	h := p.hour
	if p.hasAmPm || p.hour12 {
		h %= 12
		if p.pm {
			h += 12
		}
	}
	return time.Date(p.year, time.Month(p.month), p.day, h, p.min, p.sec, p.nano, p.loc)
}

// digits reads between lo and hi ASCII digits.
func digits(s string, lo, hi int) (int, string, error) {
	n := 0
	for n < len(s) && n < hi && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n < lo {
		return 0, s, fmt.Errorf("parse %q: expected %d digits", s, lo)
	}
	v, _ := strconv.Atoi(s[:n])
	return v, s[n:], nil
}

func (p *parsed) field(tk patToken, s string) (string, error) {
	lo, hi := tk.count, tk.count
	if tk.count == 1 {
		lo, hi = 1, 2
	}
	var err error
	switch tk.letter {
	case 'y', 'u':
		if tk.count == 2 {
			p.year, s, err = digits(s, 2, 2)
			p.year += 2000
			return s, err
		}
		p.year, s, err = digits(s, tk.count, 9)
	case 'M', 'L':
		if tk.count >= 3 {
			p.month, s, err = monthName(s)
			return s, err
		}
		p.month, s, err = digits(s, lo, hi)
	case 'd':
		p.day, s, err = digits(s, lo, hi)
	case 'H':
		p.hour, s, err = digits(s, lo, hi)
	case 'h':
		p.hour12 = true
		p.hour, s, err = digits(s, lo, hi)
	case 'm':
		p.min, s, err = digits(s, lo, hi)
	case 's':
		p.sec, s, err = digits(s, lo, hi)
	case 'S':
		var f int
		f, s, err = digits(s, tk.count, tk.count)
		p.nano = f * pow10(9-tk.count)
	case 'a':
		return p.ampm(s)
	default:
		return p.zone(tk, s)
	}
	return s, err
}

func pow10(n int) int {
	r := 1
	for range n {
		r *= 10
	}
	return r
}

func monthName(s string) (int, string, error) {
	for m := time.December; m >= time.January; m-- {
		for _, name := range []string{m.String(), m.String()[:3]} {
			if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
				return int(m), s[len(name):], nil
			}
		}
	}
	return 0, s, fmt.Errorf("parse %q: expected a month name", s)
}

func (p *parsed) ampm(s string) (string, error) {
	p.hasAmPm = true
	switch {
	case len(s) >= 2 && strings.EqualFold(s[:2], "AM"):
	case len(s) >= 2 && strings.EqualFold(s[:2], "PM"):
		p.pm = true
	default:
		return s, fmt.Errorf("parse %q: expected AM or PM", s)
	}
	return s[2:], nil
}

// zone reads a zone id (VV, z) or offset (X, x, Z, O): region ids such as
// America/Los_Angeles, UTC, GMT, Z and offsets such as UTC+01:00 or -0700.
func (p *parsed) zone(tk patToken, s string) (string, error) {
	switch tk.letter {
	case 'V', 'z', 'X', 'x', 'Z', 'O':
	default:
		return s, fmt.Errorf("pattern letter %q: %w", tk.letter, errPattern)
	}
	n := 0
	for n < len(s) && strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+-:", s[n]) >= 0 {
		n++
	}
	loc, err := p.lookup(s[:n])
	if err != nil {
		return s, err
	}
	p.loc = loc
	return s[n:], nil
}

func zoneByName(id string) (*time.Location, error) {
	up := strings.ToUpper(id)
	for _, prefix := range []string{"UTC", "GMT", "UT", ""} {
		if !strings.HasPrefix(up, prefix) {
			continue
		}
		off := up[len(prefix):]
		if off == "" || off == "Z" {
			if prefix != "" || up == "Z" {
				return time.UTC, nil
			}
			continue
		}
		if secs, ok := parseOffset(off); ok {
			return time.FixedZone(id, secs), nil
		}
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, fmt.Errorf("parse zone %q: %w", id, err)
	}
	return loc, nil
}

// parseOffset reads +h, +hh, +hhmm, +hh:mm (and -).
func parseOffset(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	body := strings.ReplaceAll(s[1:], ":", "")
	if len(body) > 4 {
		return 0, false
	}
	var h, m int
	var err error
	if len(body) <= 2 {
		h, err = strconv.Atoi(body)
	} else {
		h, err = strconv.Atoi(body[:len(body)-2])
		if err == nil {
			m, err = strconv.Atoi(body[len(body)-2:])
		}
	}
	if err != nil {
		return 0, false
	}
	secs := h*3600 + m*60
	if s[0] == '-' {
		secs = -secs
	}
	return secs, true
}
