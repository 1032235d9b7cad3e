package query

import "testing"

// TestEval runs terms against a document and checks each AWS rule.
func TestEval(t *testing.T) {
	doc := MapDoc{
		"thingName":              {String("myThing")},
		"attributes.temp":        {Auto("70")},
		"attributes.serial":      {Auto("abce")},
		"attributes.word":        {Auto("infinite")},
		"attributes.model":       {Auto("Legacy")},
		"shadow.reported.msg":    {String("hello big world")},
		"shadow.reported.vals":   {Number(1, "1"), Number(2, "2")},
		"shadow.reported.ratio":  {Number(0.5, "0.5")},
		"connectivity.connected": {Bool(true)},
	}
	tests := []struct {
		q    string
		want bool
	}{
		{"*", true},
		{"thingName:myThing", true},
		{"thingName:MYTHING", true}, // values match case-insensitively
		{"thingName:my*", true},
		{"thingName:myThin?", true},
		{"thingName:my?", false},
		{"thingName:*ing", true},
		{"thingName:*hin*", true},
		{"ThingName:myThing", false}, // field names are case-sensitive
		{"attributes.temp>60", true},
		{"attributes.temp:70", true},
		{"attributes.temp:70.0", true},
		{"attributes.temp:[70 TO 80]", true},
		{"attributes.temp:{69 TO 70]", true},
		{"attributes.temp:{70 TO 80]", false},
		{"attributes.temp:[60 TO 70}", false},
		{"attributes.temp:[* TO 70]", true},
		{"attributes.temp<=69", false},
		{`attributes.serial:["abcd" TO "abcf"]`, true},
		{`attributes.serial:["abcf" TO "abcz"]`, false},
		{"attributes.word:i*t", false},
		{"attributes.word:i*e", true},
		{"NOT attributes.model:legacy", false},
		{"NOT attributes.missing:legacy", true},
		{"attributes.temp:*", true},
		{"attributes.missing:*", false},
		{"shadow.reported.msg:big", true},
		{`shadow.reported.msg:"big world"`, true},
		{`shadow.reported.msg:"world big"`, false},
		{"shadow.reported.vals:2", true},
		{"shadow.reported.vals:3", false},
		{"shadow.reported.ratio<1", true},
		{"connectivity.connected:true", true},
		{"connectivity.connected:false", false},
		{"hello", true},
		{"legacy", true},
		{"nothere", false},
		{"thingName:(my* AND -other)", true},
		{"thingName:(my* AND -myThing)", false},
		{"(a OR thingName:myThing) attributes.temp>60", true},
		{"attributes.temp>60 NOT attributes.temp>65", false},
		{"attributes.model>a", true}, // non-numeric operand: text comparison
		{"attributes.temp>abc", false},
	}
	for _, tt := range tests {
		n, err := Parse(tt.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.q, err)
			continue
		}
		if got := n.Eval(doc); got != tt.want {
			t.Errorf("%q: Eval = %v, want %v", tt.q, got, tt.want)
		}
	}
}
