package apigwv2

import "slices"

// collection holds resources by ID in creation order, the order list
// calls answer in.
type collection[T any] struct {
	order []string
	items map[string]*T
}

func newCollection[T any]() *collection[T] { return &collection[T]{items: map[string]*T{}} }

func (c *collection[T]) get(id string) (*T, bool) {
	v, ok := c.items[id]
	return v, ok
}

func (c *collection[T]) put(id string, v *T) {
	if _, ok := c.items[id]; !ok {
		c.order = append(c.order, id)
	}
	c.items[id] = v
}

func (c *collection[T]) del(id string) {
	if _, ok := c.items[id]; !ok {
		return
	}
	delete(c.items, id)
	c.order = slices.DeleteFunc(c.order, func(o string) bool { return o == id })
}

// all returns the resources in creation order.
func (c *collection[T]) all() []*T {
	out := make([]*T, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.items[id])
	}
	return out
}
