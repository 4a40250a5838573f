package inboundimport

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
)

func mustParse(t *testing.T, file string, opt Options) *Result {
	t.Helper()
	res, err := Parse(strings.NewReader(file), opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

// TestParse_Japanese reads a file as Excel saves it in Japan: Shift_JIS,
// Japanese headers, full-width digits and dates with slashes; rows of the
// same number make one inbound.
func TestParse_Japanese(t *testing.T) {
	file := "入荷予定番号,入荷予定日,商品コード,JANコード,数量,ロット,賞味期限,備考\r\n" +
		"ASN-1,2026/12/01,MUG-1,,１２,L01,2027/03/31,納品書 8841\r\n" +
		"ASN-1,,,4901234567894,\"1,000\",,,\r\n" +
		"\r\n" +
		"ASN-2,2026-12-03,TOWEL,,5,,,\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(file)
	if err != nil {
		t.Fatal(err)
	}
	res := mustParse(t, sjis, Options{})
	if res.Encoding != "Shift_JIS" || res.Rows != 3 || len(res.Problems) != 0 || len(res.Inbounds) != 2 {
		t.Fatalf("read %s, %d rows, problems %+v, %d inbounds", res.Encoding, res.Rows, res.Problems, len(res.Inbounds))
	}
	a := res.Inbounds[0]
	if a.Number != "ASN-1" || !a.ExpectedDate.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) || a.Reference != "納品書 8841" || len(a.Lines) != 2 {
		t.Fatalf("ASN-1: %+v", a)
	}
	if l := a.Lines[0]; l.SKU != "MUG-1" || l.Quantity != 12 || l.Lot != "L01" || l.Expiry.Format("2006-01-02") != "2027-03-31" || l.Row != 2 {
		t.Errorf("first line: %+v", l)
	}
	if l := a.Lines[1]; l.JAN != "4901234567894" || l.Quantity != 1000 || l.Row != 3 || l.JANColumn != "JANコード" {
		t.Errorf("second line: %+v", l)
	}
	// encoding/csv skips blank lines: rows count records, as orderimport's do.
	if l := res.Inbounds[1].Lines[0]; l.Row != 4 || l.SKU != "TOWEL" {
		t.Errorf("ASN-2's line, after a blank line: %+v", l)
	}
}

// TestParse_EnglishWithDefaults reads a UTF-8 file with a byte order mark,
// English headers and no number or date columns: the caller's options
// number and date its one inbound.
func TestParse_EnglishWithDefaults(t *testing.T) {
	file := "\xEF\xBB\xBFSKU,Quantity,Lot,Expiry\nMUG-1,3,,\nTOWEL,4,B2,2027-01-31\n"
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	res := mustParse(t, file, Options{Number: "PO-77", ExpectedDate: day})
	if res.Encoding != "UTF-8" || len(res.Problems) != 0 || len(res.Inbounds) != 1 {
		t.Fatalf("%+v", res)
	}
	if in := res.Inbounds[0]; in.Number != "PO-77" || !in.ExpectedDate.Equal(day) || len(in.Lines) != 2 || in.NumberColumn != "" {
		t.Fatalf("inbound: %+v", in)
	}
	if res := mustParse(t, file, Options{}); len(res.Problems) != 2 || res.Problems[0].Message.JA != "入荷予定番号がありません" {
		t.Fatalf("without a number: %+v", res.Problems)
	}
}

// TestParse_BadRows names the row and the column, as the file writes it,
// of every problem, in Japanese and English, and keeps no inbound with a
// bad row.
func TestParse_BadRows(t *testing.T) {
	file := "入荷予定番号,入荷予定日,商品コード,数量,ロット,賞味期限\n" +
		"ASN-1,2026-12-01,MUG-1,0,,\n" +
		"ASN-1,2026-12-01,MUG 2,3,,2027-02-30\n" +
		"ASN 3,2026-12-01,,3,ABCDEFGHIJKLMNOPQRSTUVWXYZ,\n" +
		"ASN-4,12月,MUG-1,3,,\n" +
		"ASN-5,2026-12-01,MUG-1,3,,\n" +
		"ASN-5,2026-12-02,MUG-1,3,,\n"
	res := mustParse(t, file, Options{})
	want := []Problem{
		{Row: 2, Column: "数量", Message: soko.Text{JA: "数量は1〜1000000の整数です"}},
		{Row: 3, Column: "商品コード", Message: soko.Text{JA: "商品コードは英数字と . _ - で64文字までです"}},
		{Row: 3, Column: "賞味期限", Message: soko.Text{JA: "賞味期限を日付として読めません（2027-03-31 など）"}},
		{Row: 4, Column: "入荷予定番号", Message: soko.Text{JA: "入荷予定番号は英数字と . _ - で40文字までです"}},
		{Row: 4, Column: "商品コード", Message: soko.Text{JA: "商品コードまたはJANコードがありません"}},
		{Row: 4, Column: "ロット", Message: soko.Text{JA: "ロットは20文字までです"}},
		{Row: 5, Column: "入荷予定日", Message: soko.Text{JA: "入荷予定日を日付として読めません（2026-12-01 など）"}},
		{Row: 7, Column: "入荷予定日", Message: soko.Text{JA: "入荷予定 ASN-5 の入荷予定日が6行目と違います"}},
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("%d problems, want %d: %+v", len(res.Problems), len(want), res.Problems)
	}
	for i, w := range want {
		p := res.Problems[i]
		if p.Row != w.Row || p.Column != w.Column || p.Message.JA != w.Message.JA || p.Message.EN == "" {
			t.Errorf("problem %d: %+v, want %+v", i, p, w)
		}
	}
	for _, in := range res.Inbounds {
		if in.Number != "ASN-5" {
			t.Errorf("inbound %s read despite its bad rows", in.Number)
		}
	}
}

// TestParse_WholeFile refuses a file with no header soko knows, an empty
// one and one too large, as errors about the file.
func TestParse_WholeFile(t *testing.T) {
	for name, file := range map[string]string{
		"no known header": "品名,個数\nタオル,3\n",
		"empty":           "\n\n",
		"too large":       strings.Repeat("a", MaxBytes+1),
	} {
		if _, err := Parse(strings.NewReader(file), Options{}); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// TestParse_Garbage feeds random bytes, and random mutations of a good
// file, to Parse: it never panics, and what it reads is either an error or
// a result whose every inbound has lines.
func TestParse_Garbage(t *testing.T) {
	good := []byte("入荷予定番号,入荷予定日,商品コード,JANコード,数量,ロット,賞味期限\nASN-1,2026-12-01,MUG-1,,3,L1,2027-01-01\n")
	rng := rand.New(rand.NewSource(20))
	for i := 0; i < 3000; i++ {
		var data []byte
		if i%2 == 0 {
			data = make([]byte, rng.Intn(400))
			rng.Read(data)
		} else {
			data = bytes.Clone(good)
			for range 1 + rng.Intn(8) {
				data[rng.Intn(len(data))] = byte(rng.Intn(256))
			}
		}
		checkParse(t, data)
	}
}

// FuzzParse is TestParse_Garbage for go test -fuzz.
func FuzzParse(f *testing.F) {
	f.Add([]byte("商品コード,数量\nMUG-1,3\n"))
	f.Add([]byte("sku,quantity,inbound_no,expected_date\n\"MUG,1\",3,A,2026-01-01\n"))
	f.Add([]byte{0xEF, 0xBB, 0xBF, 0x82, 0xA0, ',', 0x0A})
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data) })
}

func checkParse(t *testing.T, data []byte) {
	t.Helper()
	res, err := Parse(bytes.NewReader(data), Options{Number: "X", ExpectedDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		if soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("%q: %v, want EINVALID", data, err)
		}
		return
	}
	for _, in := range res.Inbounds {
		if len(in.Lines) == 0 || in.Number == "" || in.ExpectedDate.IsZero() {
			t.Fatalf("%q: inbound %+v", data, in)
		}
	}
}
