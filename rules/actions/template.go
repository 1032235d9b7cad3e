package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// compiler compiles a spec's templates, keeping the first error.
type compiler struct {
	c   rules.ActionCompiler
	err error
}

// t compiles one template; "" stays nil (an absent optional member).
func (c *compiler) t(s string) *rules.Template {
	if s == "" || c.err != nil {
		return nil
	}
	t, err := c.c.Template(s)
	if err != nil {
		c.err = err
	}
	return t
}

// renderer renders templates for one message, keeping the first error.
type renderer struct {
	ctx context.Context
	out rules.Output
	err error
}

// s renders a template; nil renders "".
func (r *renderer) s(t *rules.Template) string {
	if t == nil || r.err != nil {
		return ""
	}
	v, err := t.Execute(r.ctx, r.out)
	if err != nil {
		r.err = err
	}
	return v
}
