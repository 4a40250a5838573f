package soko_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

func TestShipmentEmail_ShippedDate(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC), "2026年11月23日"}, // midnight in Japan
		{time.Date(2026, 11, 22, 14, 59, 59, 0, time.UTC), "2026年11月22日"},
		{time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC), "2027年1月5日"},
		{time.Time{}, ""},
	} {
		if got := (soko.ShipmentEmail{ShippedAt: tc.at}).ShippedDate(); got != tc.want {
			t.Errorf("ShippedDate at %s = %q, want %q", tc.at, got, tc.want)
		}
	}
}

func TestEmailParcel_TrackingNumberHyphenated(t *testing.T) {
	for number, want := range map[string]string{
		"123456789013":  "1234-5678-9013",
		"1234567890":    "1234567890",
		"12345678901X":  "12345678901X",
		"1234567890134": "1234567890134",
		"":              "",
	} {
		if got := (soko.EmailParcel{TrackingNumber: number}).TrackingNumberHyphenated(); got != want {
			t.Errorf("TrackingNumberHyphenated(%q) = %q, want %q", number, got, want)
		}
	}
}

func TestEmailTemplate_Validate(t *testing.T) {
	nested := strings.Repeat("{{range $.Lines}}", 24) + "あいうえお" + strings.Repeat("{{end}}", 24)
	for _, tc := range []struct {
		name   string
		tmpl   soko.EmailTemplate
		field  string // "" when valid
		wantJA string
	}{
		{name: "default", tmpl: soko.DefaultEmailTemplate},
		{name: "empty means default", tmpl: soko.EmailTemplate{}},
		{name: "custom", tmpl: soko.EmailTemplate{
			Subject: "{{.MerchantName}}より発送のお知らせ",
			Body:    "{{.CustomerName}}様\n{{range .Parcels}}{{.TrackingNumberHyphenated}} {{.TrackingURL}}\n{{end}}",
		}},
		{name: "unknown placeholder", tmpl: soko.EmailTemplate{Subject: "{{.OrderNo}} 発送"},
			field: "subject", wantJA: "件名の1行目にある「{{.OrderNo}}」という差し込み項目はありません"},
		{name: "unknown placeholder in a loop", tmpl: soko.EmailTemplate{Body: "ご注文\n{{range .Parcels}}{{.Tracking}}{{end}}"},
			field: "body", wantJA: "本文の2行目にある「{{.Tracking}}」という差し込み項目はありません"},
		{name: "unclosed action", tmpl: soko.EmailTemplate{Body: "{{.CustomerName}} 様\n{{if .OrderNumber}}"},
			field: "body", wantJA: "本文のテンプレートの2行目に誤りがあります"},
		{name: "unknown function", tmpl: soko.EmailTemplate{Subject: "{{upper .OrderNumber}}"},
			field: "subject", wantJA: "件名のテンプレートの1行目に誤りがあります"},
		{name: "line break in the subject", tmpl: soko.EmailTemplate{Subject: "発送のお知らせ\nBcc: victim@example.com"},
			field: "subject", wantJA: "件名は改行を含まない1行にしてください"},
		{name: "carriage return in the subject", tmpl: soko.EmailTemplate{Subject: "発送{{\"\\r\"}}のお知らせ"},
			field: "subject", wantJA: "件名は改行を含まない1行にしてください"},
		{name: "subject renders empty", tmpl: soko.EmailTemplate{Subject: "{{if false}}x{{end}} "},
			field: "subject", wantJA: "件名が空になります"},
		{name: "body renders empty", tmpl: soko.EmailTemplate{Body: "{{range .Lines}}{{end}}\n"},
			field: "body", wantJA: "本文が空になります"},
		{name: "subject of 200 characters", tmpl: soko.EmailTemplate{Subject: strings.Repeat("発", 200)}},
		{name: "subject of 201 characters", tmpl: soko.EmailTemplate{Subject: strings.Repeat("発", 201)},
			field: "subject", wantJA: "件名は200文字以内にしてください（201文字あります）"},
		{name: "body of 20,001 characters", tmpl: soko.EmailTemplate{Body: strings.Repeat("あ", 20001)},
			field: "body", wantJA: "本文は20000文字以内にしてください"},
		{name: "nested loops rendering without end", tmpl: soko.EmailTemplate{Body: nested},
			field: "body", wantJA: "本文が長くなりすぎます"},
		// A range over a number writes nothing and would run for an hour.
		{name: "range over a number", tmpl: soko.EmailTemplate{Body: "{{range 100000000000}}{{end}}"},
			field: "body", wantJA: ".Lines（商品）か .Parcels（お荷物）にだけ"},
		{name: "range over a variable", tmpl: soko.EmailTemplate{Subject: "{{$n := 9}}{{range $n}}x{{end}}"},
			field: "subject", wantJA: "繰り返し（range）は"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.tmpl.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			fields := soko.ErrorFields(err)
			if soko.ErrorCode(err) != soko.EINVALID || len(fields) != 1 || fields[0].Field != tc.field ||
				!strings.Contains(soko.ErrorMessage(err, "ja"), tc.wantJA) {
				t.Fatalf("Validate: %v, %q, fields %v; want %s: %q", err, soko.ErrorMessage(err, "ja"), fields, tc.field, tc.wantJA)
			}
		})
	}
}

func TestEmailTemplate_Render(t *testing.T) {
	shipped := time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		tmpl        soko.EmailTemplate
		data        func(*soko.ShipmentEmail)
		wantSubject string
		wantBody    []string // in this order
		notInBody   []string
	}{
		{
			name:        "default, two parcels",
			tmpl:        soko.DefaultEmailTemplate,
			wantSubject: "【さくら雑貨店】ご注文の商品を発送いたしました（ご注文番号: SO-20261123-0001）",
			wantBody: []string{
				"山田 花子 様\n", "ご注文の商品を2026年11月23日に発送いたしました", "■ご注文番号\nSO-20261123-0001\n",
				"・今治タオル フェイスタオル（白） × 2\n・有田焼 マグカップ × 1\n",
				"【1/2個口】ヤマト運輸（宅急便）\n伝票番号: 123456789013\n配送状況: https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=123456789013\n",
				"【2/2個口】ヤマト運輸（宅急便）\n伝票番号: 123456789024\n",
				"このメールにご返信ください", "\nさくら雑貨店\n",
			},
		},
		{
			name: "default, one parcel without a tracking page",
			tmpl: soko.EmailTemplate{},
			data: func(d *soko.ShipmentEmail) {
				d.Parcels = []soko.EmailParcel{{Seq: 1, Of: 1, Carrier: "西濃運輸", TrackingNumber: "9876543210"}}
			},
			wantSubject: "【さくら雑貨店】ご注文の商品を発送いたしました（ご注文番号: SO-20261123-0001）",
			wantBody:    []string{"\n西濃運輸\n伝票番号: 9876543210\n\n"},
			notInBody:   []string{"個口", "配送状況: ", "（）"},
		},
		{
			name: "line breaks from the data leave the subject",
			tmpl: soko.EmailTemplate{Subject: "{{.CustomerName}} 様　ご注文 {{.OrderNumber}}\n"},
			data: func(d *soko.ShipmentEmail) {
				d.CustomerName = "山田\r\nBcc: victim@example.com\n"
			},
			wantSubject: "山田 Bcc: victim@example.com  様　ご注文 SO-20261123-0001",
		},
		{
			name:        "custom body, default subject",
			tmpl:        soko.EmailTemplate{Body: "{{range .Parcels}}{{.Seq}}. {{.TrackingNumberHyphenated}} {{.Service}}\n{{end}}{{range .Lines}}{{.SKU}}={{.Quantity}} {{end}}"},
			wantSubject: "【さくら雑貨店】ご注文の商品を発送いたしました（ご注文番号: SO-20261123-0001）",
			wantBody:    []string{"1. 1234-5678-9013 宅急便\n2. 1234-5678-9024 宅急便\nTOWEL-WH=2 MUG-ARITA=1 "},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := soko.SampleShipmentEmail(shipped)
			if tc.data != nil {
				tc.data(&d)
			}
			subject, body, err := tc.tmpl.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if subject != tc.wantSubject {
				t.Errorf("subject %q, want %q", subject, tc.wantSubject)
			}
			rest := body
			for _, want := range tc.wantBody {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("body lacks %q after what came before:\n%s", want, body)
				}
				rest = rest[i+len(want):]
			}
			for _, not := range tc.notInBody {
				if strings.Contains(body, not) {
					t.Errorf("body has %q:\n%s", not, body)
				}
			}
		})
	}
}

func TestEmailTemplate_RenderReportsTheField(t *testing.T) {
	_, _, err := soko.EmailTemplate{Body: "{{.Nope}}"}.Render(soko.SampleShipmentEmail(time.Now()))
	if fields := soko.ErrorFields(err); soko.ErrorCode(err) != soko.EINVALID || len(fields) != 1 || fields[0].Field != "body" ||
		!strings.Contains(fields[0].Message, "can't evaluate field Nope") {
		t.Fatalf("Render: %v, fields %v", err, fields)
	}
}

var placeholderName = regexp.MustCompile(`^\{\{(?:range )?\.(\w+)\}\}`)

// Every placeholder the help lists works where it says, and everything a
// template can reach is listed.
func TestEmailPlaceholders(t *testing.T) {
	sample := soko.SampleShipmentEmail(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	listed := map[string]bool{}
	for _, p := range soko.EmailPlaceholders {
		if p.Japanese == "" {
			t.Errorf("%s has no description", p.Name)
		}
		text := strings.ReplaceAll(p.Name, "…", "x")
		if p.Within != "" {
			text = p.Within + text + "{{end}}"
		}
		var out strings.Builder
		if err := template.Must(template.New("").Parse(text)).Execute(&out, sample); err != nil || out.Len() == 0 {
			t.Errorf("%s within %q: %q, %v", p.Name, p.Within, out.String(), err)
		}
		if m := placeholderName.FindStringSubmatch(p.Name); m != nil {
			listed[m[1]] = true
		}
	}
	for _, v := range []any{sample, sample.Lines[0], sample.Parcels[0]} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			if f := typ.Field(i).Name; !listed[f] && f != "ShippedAt" { // ShippedAt is UTC: templates use ShippedDate
				t.Errorf("%s.%s is not in EmailPlaceholders", typ.Name(), f)
			}
		}
		for i := range typ.NumMethod() {
			if m := typ.Method(i).Name; !listed[m] {
				t.Errorf("method %s.%s is not in EmailPlaceholders", typ.Name(), m)
			}
		}
	}
}

func TestEmailMessage_JSON(t *testing.T) {
	msg := soko.EmailMessage{
		To: "hanako@example.jp", ToName: "山田 花子", FromName: "さくら雑貨店", ReplyTo: "shop@sakura.example",
		Subject: "発送のお知らせ", Body: "本文\n", OrderNumber: "SO-1",
	}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"to":"hanako@example.jp","to_name":"山田 花子","from_name":"さくら雑貨店","reply_to":"shop@sakura.example",` +
		`"subject":"発送のお知らせ","body":"本文\n","order_number":"SO-1"}`
	if string(b) != want {
		t.Fatalf("JSON %s\nwant %s", b, want)
	}
	var back soko.EmailMessage
	if err := json.Unmarshal(b, &back); err != nil || back != msg {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

// TestEmailTemplate_COD: the default email of a COD order tells the
// customer what to pay the driver; a prepaid order's says nothing of it.
func TestEmailTemplate_COD(t *testing.T) {
	mail := soko.SampleShipmentEmail(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	mail.CODAmount = 16590
	_, body, err := soko.DefaultEmailTemplate.Render(mail)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "■代金引換\nお届けの際に、配達員へ 16,590円（税込）をお支払いください。") {
		t.Errorf("COD order's email:\n%s", body)
	}
	mail.CODAmount = 0
	if _, body, _ = soko.DefaultEmailTemplate.Render(mail); strings.Contains(body, "代金引換") || strings.Contains(body, "\n\n\n") {
		t.Errorf("prepaid order's email mentions COD or leaves a gap:\n%s", body)
	}
	for amount, want := range map[int64]string{6600: "6,600円", 300000: "300,000円", 999: "999円", 1000000: "1,000,000円"} {
		if got := (soko.ShipmentEmail{CODAmount: amount}).CODYen(); got != want {
			t.Errorf("CODYen(%d) = %q, want %q", amount, got, want)
		}
	}
}
