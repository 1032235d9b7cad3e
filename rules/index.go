package rules

import "strings"

// topicIndex is a trie of FROM topic filter levels: matching a topic walks
// at most one path per wildcard branch, so rules whose filters do not match
// cost nothing. It is guarded by the Engine's mutex.
type topicIndex struct {
	root              *trieNode
	hashMatchesParent bool
}

type trieNode struct {
	children map[string]*trieNode
	plus     *trieNode
	hash     map[string]*rule // rules whose filter ends with '#' here
	exact    map[string]*rule // rules whose filter ends here
}

func newTrieNode() *trieNode { return &trieNode{children: map[string]*trieNode{}} }

func newTopicIndex(hashMatchesParent bool) *topicIndex {
	return &topicIndex{root: newTrieNode(), hashMatchesParent: hashMatchesParent}
}

func (ix *topicIndex) add(filter string, r *rule) {
	n := ix.root
	levels := strings.Split(filter, "/")
	for i, l := range levels {
		switch {
		case l == "#" && i == len(levels)-1:
			if n.hash == nil {
				n.hash = map[string]*rule{}
			}
			n.hash[r.name] = r
			return
		case l == "+":
			if n.plus == nil {
				n.plus = newTrieNode()
			}
			n = n.plus
		default:
			c := n.children[l]
			if c == nil {
				c = newTrieNode()
				n.children[l] = c
			}
			n = c
		}
	}
	if n.exact == nil {
		n.exact = map[string]*rule{}
	}
	n.exact[r.name] = r
}

func (ix *topicIndex) remove(filter string, name string) {
	n := ix.root
	levels := strings.Split(filter, "/")
	for i, l := range levels {
		switch {
		case l == "#" && i == len(levels)-1:
			delete(n.hash, name)
			return
		case l == "+":
			n = n.plus
		default:
			n = n.children[l]
		}
		if n == nil {
			return
		}
	}
	delete(n.exact, name)
}

// match returns the rules whose filter matches topic. Wildcards: '+' one
// whole level, '#' the rest (AWS: topics.html, iot-sql-from.html). By
// default 'a/#' does not match 'a' (AWS: topics.html "sensor/#"), see
// Compat.HashMatchesParent. Wildcards at the first level do not match topics
// starting with '$' (MQTT 3.1.1 §4.7.2).
func (ix *topicIndex) match(topic string, visit func(*rule)) {
	var buf [16]string // topics have at most 8 levels; deeper ones still work
	levels := buf[:0]
	for {
		l, rest, more := strings.Cut(topic, "/")
		levels = append(levels, l)
		if !more {
			break
		}
		topic = rest
	}
	ix.walk(ix.root, levels, 0, len(levels[0]) > 0 && levels[0][0] == '$', visit)
}

func (ix *topicIndex) walk(n *trieNode, levels []string, i int, dollar bool, visit func(*rule)) {
	wild := !(dollar && i == 0)
	if wild && (i < len(levels) || (ix.hashMatchesParent && i > 0)) {
		for _, r := range n.hash {
			visit(r)
		}
	}
	if i == len(levels) {
		for _, r := range n.exact {
			visit(r)
		}
		return
	}
	if c := n.children[levels[i]]; c != nil {
		ix.walk(c, levels, i+1, dollar, visit)
	}
	if wild && n.plus != nil {
		ix.walk(n.plus, levels, i+1, dollar, visit)
	}
}
