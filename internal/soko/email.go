package soko

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"
)

// ShipmentEmail is what a shipment email template (発送完了メール) sees. Shop
// staff write templates, so every field is a placeholder in their words;
// EmailPlaceholders explains each one in Japanese for the console's help.
type ShipmentEmail struct {
	MerchantName string // {{.MerchantName}}: the shop's name, as its customers know it
	OrderNumber  string // {{.OrderNumber}}: the shop's order number
	CustomerName string // {{.CustomerName}}: the recipient's name, without 様
	// ShippedAt is when the order shipped; templates show it with
	// {{.ShippedDate}}, which is in Japan's time zone.
	ShippedAt time.Time
	Lines     []EmailLine   // {{range .Lines}}…{{end}}: the items shipped
	Parcels   []EmailParcel // {{range .Parcels}}…{{end}}: the boxes, with tracking
	// CODAmount is what the customer pays the driver (代金引換), tax
	// included; 0 when nothing is collected. Templates test it with
	// {{if .CODAmount}} and show it with {{.CODYen}}.
	CODAmount int64
	// TrackingPageURL is the customer's own tracking page for the order
	// ({{.TrackingPageURL}}), with every box's status; empty when soko
	// does not know its public address (SOKO_BASE_URL).
	TrackingPageURL string
}

// CODYen is the COD amount as customers read it: 6,600円.
func (e ShipmentEmail) CODYen() string {
	digits := fmt.Sprint(e.CODAmount)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 && digits[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "円"
}

// ShippedDate is the day the order shipped, in Japan, as 2026年11月23日.
func (e ShipmentEmail) ShippedDate() string {
	if e.ShippedAt.IsZero() {
		return ""
	}
	y, m, d := e.ShippedAt.In(JST).Date()
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// EmailLine is one item of a shipment email, inside {{range .Lines}}.
type EmailLine struct {
	Name     string // {{.Name}}: the product name
	SKU      string // {{.SKU}}: the shop's product code
	Quantity int    // {{.Quantity}}: how many were shipped
}

// EmailParcel is one box of a shipment email, inside {{range .Parcels}}.
type EmailParcel struct {
	Seq int // {{.Seq}}: which box this is, from 1
	Of  int // {{.Of}}: how many boxes the order went in (個口)
	// Carrier is the delivery company as customers know it: ヤマト運輸.
	Carrier string
	// Service is the carrier's product: 宅急便, ネコポス.
	Service string
	// TrackingNumber is the number as the carrier's tracking page takes it,
	// digits only, so a customer can paste it there.
	TrackingNumber string
	// TrackingURL is the carrier's tracking page for this box; empty when
	// the carrier has none.
	TrackingURL string
}

// TrackingNumberHyphenated is the tracking number as printed on the label:
// 1234-5678-9012 for the carriers' 12 digits, any other number unchanged.
func (p EmailParcel) TrackingNumberHyphenated() string {
	n := p.TrackingNumber
	if len(n) != 12 || strings.Trim(n, "0123456789") != "" {
		return n
	}
	return n[:4] + "-" + n[4:8] + "-" + n[8:]
}

// EmailPlaceholder is one value a shipment email template can use, as the
// console's help text lists it.
type EmailPlaceholder struct {
	Name     string // as written in a template: {{.OrderNumber}}
	Within   string // the loop it only works inside, or "" anywhere
	Japanese string // what it is, for shop staff
}

// EmailPlaceholders are the values shipment email templates can use, in
// the order the console's help shows them.
var EmailPlaceholders = []EmailPlaceholder{
	{Name: "{{.MerchantName}}", Japanese: "ショップ名（署名や差出人名に）"},
	{Name: "{{.OrderNumber}}", Japanese: "ご注文番号"},
	{Name: "{{.CustomerName}}", Japanese: "お届け先のお名前（「様」は付きません）"},
	{Name: "{{.ShippedDate}}", Japanese: "発送日（例: 2026年11月23日）"},
	{Name: "{{if .CODAmount}}…{{end}}", Japanese: "代金引換のご注文のときだけ … を表示します"},
	{Name: "{{.CODYen}}", Japanese: "代金引換でお支払いいただく金額（例: 6,600円）"},
	{Name: "{{.CODAmount}}", Japanese: "代金引換の金額（数字のみ。代引でないご注文は 0）"},
	{Name: "{{.TrackingPageURL}}", Japanese: "ご注文の配達状況ページのURL（すべてのお荷物の状況を表示）"},
	{Name: "{{range .Lines}}…{{end}}", Japanese: "発送した商品ごとに … の部分を繰り返します"},
	{Name: "{{.Name}}", Within: "{{range .Lines}}", Japanese: "商品名"},
	{Name: "{{.SKU}}", Within: "{{range .Lines}}", Japanese: "商品コード（SKU）"},
	{Name: "{{.Quantity}}", Within: "{{range .Lines}}", Japanese: "数量"},
	{Name: "{{range .Parcels}}…{{end}}", Japanese: "お荷物（個口）ごとに … の部分を繰り返します"},
	{Name: "{{.Seq}}", Within: "{{range .Parcels}}", Japanese: "何個目のお荷物か（1から）"},
	{Name: "{{.Of}}", Within: "{{range .Parcels}}", Japanese: "お荷物の総数（個口数）"},
	{Name: "{{.Carrier}}", Within: "{{range .Parcels}}", Japanese: "配送会社（例: ヤマト運輸）"},
	{Name: "{{.Service}}", Within: "{{range .Parcels}}", Japanese: "配送サービス（例: 宅急便）"},
	{Name: "{{.TrackingNumber}}", Within: "{{range .Parcels}}", Japanese: "お問い合わせ伝票番号（数字のみ）"},
	{Name: "{{.TrackingNumberHyphenated}}", Within: "{{range .Parcels}}", Japanese: "お問い合わせ伝票番号（例: 1234-5678-9012）"},
	{Name: "{{.TrackingURL}}", Within: "{{range .Parcels}}", Japanese: "配送状況を確認できるページのURL"},
	{Name: "{{if gt .Of 1}}…{{end}}", Within: "{{range .Parcels}}", Japanese: "お荷物が2個以上のときだけ … を表示します"},
}

// EmailTemplate is a merchant's shipment email, in Go's text/template
// language over a ShipmentEmail. An empty Subject or Body means the
// default's.
type EmailTemplate struct {
	Subject string
	Body    string
	// DeliveryNotices also sends the customer soko's 配達完了 and 不在
	// notices (DeliveryNotice) when the carrier reports them.
	DeliveryNotices bool
}

// DefaultEmailTemplate is the shipment email a merchant gets until it
// writes its own.
var DefaultEmailTemplate = EmailTemplate{
	Subject: "【{{.MerchantName}}】ご注文の商品を発送いたしました（ご注文番号: {{.OrderNumber}}）",
	Body: `{{.CustomerName}} 様

このたびは{{.MerchantName}}をご利用いただき、誠にありがとうございます。
ご注文の商品を{{.ShippedDate}}に発送いたしましたので、お知らせいたします。
お届けまで今しばらくお待ちくださいませ。

■ご注文番号
{{.OrderNumber}}

■発送した商品
{{range .Lines}}・{{.Name}} × {{.Quantity}}
{{end}}
{{if .CODAmount}}■代金引換
お届けの際に、配達員へ {{.CODYen}}（税込）をお支払いください。

{{end -}}
■お荷物のお問い合わせ番号
{{range .Parcels}}{{if gt .Of 1}}【{{.Seq}}/{{.Of}}個口】{{end}}{{.Carrier}}{{if .Service}}（{{.Service}}）{{end}}
伝票番号: {{.TrackingNumber}}
{{if .TrackingURL}}配送状況: {{.TrackingURL}}
{{end}}
{{end -}}
{{if .TrackingPageURL}}■配達状況の確認
{{.TrackingPageURL}}

{{end -}}
配送状況は、配送会社に情報が登録され次第ご確認いただけます。
ご不明な点がございましたら、このメールにご返信ください。

────────────────────
{{.MerchantName}}
────────────────────
`,
}

// The limits of a template's text, and of what it may render to: a
// template of nested loops could otherwise render without end.
const (
	maxSubjectRunes  = 200
	maxBodyRunes     = 20000
	maxSubjectOutput = 4 << 10
	maxBodyOutput    = 1 << 20
)

// Validate checks that a template can be saved: both parts parse and
// render sample data, the subject renders to one non-empty line (a line
// break would start a new mail header) and neither is too long.
func (t EmailTemplate) Validate() error {
	if n := utf8.RuneCountInString(t.Subject); n > maxSubjectRunes {
		return Errorf(EINVALID, "the subject template has %d characters, more than %d", n, maxSubjectRunes).
			JA("件名は%d文字以内にしてください（%d文字あります）", maxSubjectRunes, n).WithField("subject", "too_long")
	}
	if n := utf8.RuneCountInString(t.Body); n > maxBodyRunes {
		return Errorf(EINVALID, "the body template has %d characters, more than %d", n, maxBodyRunes).
			JA("本文は%d文字以内にしてください（%d文字あります）", maxBodyRunes, n).WithField("body", "too_long")
	}
	sample := SampleShipmentEmail(time.Date(2026, 11, 23, 10, 0, 0, 0, JST))
	subject, err := render("subject", cmp.Or(t.Subject, DefaultEmailTemplate.Subject), sample, maxSubjectOutput)
	if err != nil {
		return err
	}
	switch {
	case strings.ContainsAny(subject, "\r\n"):
		return Errorf(EINVALID, "the subject must render to one line").
			JA("件名は改行を含まない1行にしてください").WithField("subject", "line_break")
	case strings.TrimSpace(subject) == "":
		return Errorf(EINVALID, "the subject renders empty").
			JA("件名が空になります").WithField("subject", "required")
	}
	body, err := render("body", cmp.Or(t.Body, DefaultEmailTemplate.Body), sample, maxBodyOutput)
	if err != nil {
		return err
	}
	if strings.TrimSpace(body) == "" {
		return Errorf(EINVALID, "the body renders empty").JA("本文が空になります").WithField("body", "required")
	}
	return nil
}

// Render fills the template in with d. Line breaks that d brings into
// the subject, say in a customer's name, become spaces: a mail header
// cannot hold them.
func (t EmailTemplate) Render(d ShipmentEmail) (subject, body string, err error) {
	subject, err = render("subject", cmp.Or(t.Subject, DefaultEmailTemplate.Subject), d, maxSubjectOutput)
	if err != nil {
		return "", "", err
	}
	body, err = render("body", cmp.Or(t.Body, DefaultEmailTemplate.Body), d, maxBodyOutput)
	if err != nil {
		return "", "", err
	}
	return strings.TrimSpace(lineBreaks.Replace(subject)), body, nil
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// SampleShipmentEmail is a made-up shipment of two items in two boxes,
// paid on delivery, shipped at now, for previews and for checking
// templates.
func SampleShipmentEmail(now time.Time) ShipmentEmail {
	const track = "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id="
	return ShipmentEmail{
		MerchantName: "さくら雑貨店",
		OrderNumber:  "SO-20261123-0001",
		CustomerName: "山田 花子",
		ShippedAt:    now,
		CODAmount:    6600,
		Lines: []EmailLine{
			{Name: "今治タオル フェイスタオル（白）", SKU: "TOWEL-WH", Quantity: 2},
			{Name: "有田焼 マグカップ", SKU: "MUG-ARITA", Quantity: 1},
		},
		Parcels: []EmailParcel{
			{Seq: 1, Of: 2, Carrier: "ヤマト運輸", Service: "宅急便", TrackingNumber: "123456789013", TrackingURL: track + "123456789013"},
			{Seq: 2, Of: 2, Carrier: "ヤマト運輸", Service: "宅急便", TrackingNumber: "123456789024", TrackingURL: track + "123456789024"},
		},
		TrackingPageURL: "https://soko.example.jp/track/K7QXM2PZ4VNB6D3HJRW5TYCFGA",
	}
}

// EmailMessage is one email as the outbox holds it (channel "email"):
// rendered in the transaction that ships the order, sent later by a worker.
type EmailMessage struct {
	To       string `json:"to"`        // the customer's address
	ToName   string `json:"to_name"`   // the customer's name
	FromName string `json:"from_name"` // the merchant's name; the address is the warehouse's sending one
	// ReplyTo is the merchant's address, where customers' answers go.
	ReplyTo     string `json:"reply_to"`
	Subject     string `json:"subject"`
	Body        string `json:"body"` // plain text
	OrderNumber string `json:"order_number"`
}

// errTooLong stops a template that renders more than its part may hold.
var errTooLong = errors.New("renders too much text")

// capped collects a template's output up to max bytes.
type capped struct {
	strings.Builder
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if c.Len()+len(p) > c.max {
		return 0, errTooLong
	}
	return c.Builder.Write(p)
}

// render parses and executes one part of a template; part is "subject" or
// "body", which names the invalid field.
func render(part, text string, d ShipmentEmail, max int) (string, error) {
	tmpl, err := template.New(part).Parse(text)
	if err != nil {
		return "", templateError(part, err)
	}
	if err := onlyListRanges(tmpl.Tree.Root); err != nil {
		return "", templateError(part, err)
	}
	out := &capped{max: max}
	if err := tmpl.Execute(out, d); err != nil {
		return "", templateError(part, err)
	}
	return out.String(), nil
}

// errRange refuses a range over anything but the shipment's lists: text/
// template also ranges over numbers, and {{range 100000000000}}{{end}}
// would keep a CPU busy for an hour while writing nothing.
var errRange = errors.New("range only over .Lines or .Parcels")

// onlyListRanges walks a template and refuses every range that is not over
// .Lines or .Parcels (or $.Lines, $.Parcels).
func onlyListRanges(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := onlyListRanges(c); err != nil {
				return err
			}
		}
	case *parse.RangeNode:
		cmds := n.Pipe.Cmds
		if len(n.Pipe.Decl) > 0 || len(cmds) != 1 || len(cmds[0].Args) != 1 {
			return errRange
		}
		var ident []string
		switch a := cmds[0].Args[0].(type) {
		case *parse.FieldNode: // .Lines
			ident = a.Ident
		case *parse.VariableNode: // $.Lines, inside another range
			if len(a.Ident) == 2 && a.Ident[0] == "$" {
				ident = a.Ident[1:]
			}
		}
		if len(ident) != 1 || (ident[0] != "Lines" && ident[0] != "Parcels") {
			return errRange
		}
		if err := onlyListRanges(n.List); err != nil {
			return err
		}
		return onlyListRanges(n.ElseList)
	case *parse.IfNode:
		if err := onlyListRanges(n.List); err != nil {
			return err
		}
		return onlyListRanges(n.ElseList)
	case *parse.WithNode:
		if err := onlyListRanges(n.List); err != nil {
			return err
		}
		return onlyListRanges(n.ElseList)
	}
	return nil
}

var (
	templateLine = regexp.MustCompile(`^template: \w+:(\d+):(?:\d+:)? ?`)
	unknownField = regexp.MustCompile(`can't evaluate field (\w+)`)
)

// templateError explains a parse or execution error to shop staff: which
// line, and which placeholder does not exist when that is the problem.
func templateError(part string, err error) *Error {
	name := map[string]string{"subject": "件名", "body": "本文"}[part]
	msg := err.Error()
	detail := msg
	line := ""
	if m := templateLine.FindStringSubmatch(msg); m != nil {
		line, detail = m[1]+"行目", msg[len(m[0]):]
	}
	e := Errorf(EINVALID, "the %s template is invalid: %s", part, msg).WithField(part, msg)
	switch m := unknownField.FindStringSubmatch(msg); {
	case errors.Is(err, errTooLong):
		return e.JA("%sが長くなりすぎます。繰り返し（range）の入れ子を見直してください", name)
	case errors.Is(err, errRange):
		return e.JA("%sの繰り返し（range）は .Lines（商品）か .Parcels（お荷物）にだけ使えます", name)
	case m != nil:
		return e.JA("%sの%sにある「{{.%s}}」という差し込み項目はありません", name, line, m[1])
	case line != "":
		return e.JA("%sのテンプレートの%sに誤りがあります（%s）", name, line, detail)
	}
	return e.JA("%sのテンプレートに誤りがあります（%s）", name, detail)
}
