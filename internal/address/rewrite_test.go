package address

import (
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func TestRewrites(t *testing.T) {
	tests := []struct {
		name, company string
		want          []string // fields warned about
	}{
		{"髙橋 ①郎", "", []string{"to.name"}},
		{"山田 太郎", "㈱さくら", []string{"to.company"}},
		{"ﾔﾏﾀﾞ ﾀﾞﾛｳ", "ＳＡＫＵＲＡ　商事", nil}, // width and spacing only
		{"  山田   太郎 ", "", nil},
	}
	for _, tt := range tests {
		sent := soko.Address{Name: tt.name, Company: tt.company}
		got := Rewrites(sent, Normalize(sent), "to")
		var fields []string
		for _, r := range got {
			fields = append(fields, r.Field)
			if r.Sent == r.Stored || r.Message.JA == "" || r.Message.EN == "" {
				t.Errorf("%q: %+v", tt.name, r)
			}
		}
		if len(fields) != len(tt.want) || len(fields) > 0 && fields[0] != tt.want[0] {
			t.Errorf("Rewrites(%q, %q) warn about %v, want %v", tt.name, tt.company, fields, tt.want)
		}
	}
}
