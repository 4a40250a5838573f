package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
)

const (
	smtpUser     = "soko"
	smtpPassword = "s3cret:パス"
)

// sinkOptions say what kind of SMTP server a sink is.
type sinkOptions struct {
	starttls     bool // offer STARTTLS
	implicitTLS  bool // TLS from the first byte (smtps)
	insecureAuth bool // offer AUTH without TLS
}

// smtpSink is an SMTP server in the test: it requires AUTH PLAIN as
// smtpUser, answers RCPT with its next reply (accepting once they run
// out) and keeps what it received and the whole conversation.
type smtpSink struct {
	addr  string
	roots *x509.CertPool // trusts the sink's self-signed certificate

	mu          sync.Mutex
	rcptReplies []error
	auths       []sinkAuth
	mails       []sinkMail
	transcript  bytes.Buffer
}

type sinkAuth struct {
	user, password string
	tls            bool
}

type sinkMail struct {
	from string
	to   []string
	data []byte
}

func mustSMTPSink(t *testing.T, opts sinkOptions, rcptReplies ...error) *smtpSink {
	t.Helper()
	sink := &smtpSink{rcptReplies: rcptReplies, roots: x509.NewCertPool()}
	cert := mustSelfSigned(t)
	sink.roots.AddCert(cert.Leaf)
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}}

	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.AllowInsecureAuth = opts.insecureAuth
	srv.Debug = transcriptWriter{sink}
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if opts.starttls || opts.implicitTLS {
		srv.TLSConfig = tlsConfig
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink.addr = ln.Addr().String()
	if opts.implicitTLS {
		ln = tls.NewListener(ln, tlsConfig)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return sink
}

// mustSelfSigned makes a certificate for 127.0.0.1 that signs itself.
func mustSelfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "soko test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

type transcriptWriter struct{ sink *smtpSink }

func (w transcriptWriter) Write(p []byte) (int, error) {
	w.sink.mu.Lock()
	defer w.sink.mu.Unlock()
	return w.sink.transcript.Write(p)
}

func (s *smtpSink) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &sinkSession{sink: s, conn: c}, nil
}

// received returns the mails and AUTH attempts so far, and whether the
// client ever sent an AUTH command.
func (s *smtpSink) received() (mails []sinkMail, auths []sinkAuth, authCommand bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkMail(nil), s.mails...), append([]sinkAuth(nil), s.auths...),
		regexp.MustCompile(`(?m)^AUTH `).Match(s.transcript.Bytes())
}

type sinkSession struct {
	sink   *smtpSink
	conn   *smtp.Conn
	authed bool
	mail   sinkMail
}

func (s *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		_, isTLS := s.conn.TLSConnectionState()
		s.sink.mu.Lock()
		s.sink.auths = append(s.sink.auths, sinkAuth{user, password, isTLS})
		s.sink.mu.Unlock()
		if user != smtpUser || password != smtpPassword {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.mail = sinkMail{from: from}
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.sink.mu.Lock()
	defer s.sink.mu.Unlock()
	if len(s.sink.rcptReplies) > 0 {
		reply := s.sink.rcptReplies[0]
		s.sink.rcptReplies = s.sink.rcptReplies[1:]
		if reply != nil {
			return reply
		}
	}
	s.mail.to = append(s.mail.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.data = data
	s.sink.mu.Lock()
	defer s.sink.mu.Unlock()
	s.sink.mails = append(s.sink.mails, s.mail)
	return nil
}

func (s *sinkSession) Reset()        { s.mail = sinkMail{} }
func (s *sinkSession) Logout() error { return nil }

var (
	unknownMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "unknown mailbox"}
	tryLater       = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
)

// mustMailer is a Mailer for the sink, logging in as smtpUser.
func mustMailer(t *testing.T, sink *smtpSink, scheme, query string) *notify.Mailer {
	t.Helper()
	m, err := notify.NewMailer(fmt.Sprintf("%s://%s:%s@%s?from=noreply@soko.example%s", scheme, smtpUser, "s3cret%3A%E3%83%91%E3%82%B9", sink.addr, query))
	if err != nil {
		t.Fatal(err)
	}
	m.TLSConfig = &tls.Config{RootCAs: sink.roots}
	m.Timeout = 5 * time.Second
	return m
}

func shipmentMessage() soko.EmailMessage {
	subject, body, err := soko.DefaultEmailTemplate.Render(soko.SampleShipmentEmail(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	return soko.EmailMessage{
		To: "hanako@example.jp", ToName: "山田 花子", FromName: "さくら雑貨店", ReplyTo: "shop@sakura.example",
		Subject: subject, Body: body, OrderNumber: "SO-20261123-0001",
	}
}

// decoded is a received email as a mail client shows it.
type decoded struct {
	subject                 string
	from, to, replyTo       *mail.Address
	date                    time.Time
	messageID, contentType  string
	charset, body, encoding string
}

func mustDecode(t *testing.T, data []byte) decoded {
	t.Helper()
	for i, b := range data {
		if b >= 0x80 {
			t.Fatalf("8-bit byte at %d: the message is not MIME-encoded:\n%s", i, data)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var d decoded
	if d.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	one := func(h string) *mail.Address {
		list, err := msg.Header.AddressList(h)
		if err == mail.ErrHeaderNotPresent {
			return nil
		}
		if err != nil || len(list) != 1 {
			t.Fatalf("%s: %q: %v", h, msg.Header.Get(h), err)
		}
		return list[0]
	}
	d.from, d.to, d.replyTo = one("From"), one("To"), one("Reply-To")
	if d.from == nil || d.to == nil {
		t.Fatalf("From %v, To %v", d.from, d.to)
	}
	if d.date, err = msg.Header.Date(); err != nil {
		t.Fatal(err)
	}
	d.messageID = msg.Header.Get("Message-Id")
	var params map[string]string
	if d.contentType, params, err = mime.ParseMediaType(msg.Header.Get("Content-Type")); err != nil {
		t.Fatal(err)
	}
	d.charset = params["charset"]
	d.encoding = strings.ToLower(msg.Header.Get("Content-Transfer-Encoding"))
	var body io.Reader
	switch d.encoding {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, msg.Body)
	case "quoted-printable":
		body = quotedprintable.NewReader(msg.Body)
	default:
		t.Fatalf("Content-Transfer-Encoding %q", d.encoding)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	d.body = string(b)
	return d
}

func TestMailer_SendsJapaneseOverSTARTTLS(t *testing.T) {
	sink := mustSMTPSink(t, sinkOptions{starttls: true})
	m := mustMailer(t, sink, "smtp", "")
	sent := time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)
	m.Now = func() time.Time { return sent }
	msg := shipmentMessage()
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}

	mails, auths, _ := sink.received()
	if len(auths) != 1 || auths[0] != (sinkAuth{smtpUser, smtpPassword, true}) {
		t.Fatalf("AUTH %+v; want one with the password, over TLS", auths)
	}
	if len(mails) != 1 || mails[0].from != "noreply@soko.example" || len(mails[0].to) != 1 || mails[0].to[0] != "hanako@example.jp" {
		t.Fatalf("envelope %+v", mails)
	}
	d := mustDecode(t, mails[0].data)
	if d.subject != msg.Subject {
		t.Errorf("subject %q, want %q", d.subject, msg.Subject)
	}
	if d.from.Name != "さくら雑貨店" || d.from.Address != "noreply@soko.example" {
		t.Errorf("From %+v", d.from)
	}
	if d.to.Name != "山田 花子" || d.to.Address != "hanako@example.jp" {
		t.Errorf("To %+v", d.to)
	}
	if d.replyTo == nil || d.replyTo.Address != "shop@sakura.example" {
		t.Errorf("Reply-To %+v", d.replyTo)
	}
	if !d.date.Equal(sent) {
		t.Errorf("Date %s, want %s", d.date, sent)
	}
	if !regexp.MustCompile(`^<[A-Z2-7]{26}@soko\.example>$`).MatchString(d.messageID) {
		t.Errorf("Message-ID %q", d.messageID)
	}
	if d.contentType != "text/plain" || !strings.EqualFold(d.charset, "utf-8") || d.encoding != "base64" {
		t.Errorf("Content-Type %s; charset=%s, %s", d.contentType, d.charset, d.encoding)
	}
	for _, want := range []string{
		"山田 花子 様\r\n", "・今治タオル フェイスタオル（白） × 2\r\n", "・有田焼 マグカップ × 1\r\n",
		"配送状況: https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=123456789013\r\n",
	} {
		if !strings.Contains(d.body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.body)
		}
	}
	if strings.Contains(strings.ReplaceAll(d.body, "\r\n", ""), "\n") {
		t.Error("body has bare line feeds")
	}
}

func TestMailer_SMTPS(t *testing.T) {
	sink := mustSMTPSink(t, sinkOptions{implicitTLS: true})
	msg := shipmentMessage()
	msg.ReplyTo = ""
	if err := mustMailer(t, sink, "smtps", "").Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	mails, auths, _ := sink.received()
	if len(auths) != 1 || !auths[0].tls || len(mails) != 1 {
		t.Fatalf("AUTH %+v, %d mails", auths, len(mails))
	}
	if d := mustDecode(t, mails[0].data); d.subject != msg.Subject || d.replyTo != nil {
		t.Fatalf("subject %q, Reply-To %v", d.subject, d.replyTo)
	}
}

func TestMailer_RecipientRefused(t *testing.T) {
	for _, tc := range []struct {
		reply     error
		code      string
		permanent bool
	}{
		{unknownMailbox, `550 "5.1.1 unknown mailbox"`, true},
		{tryLater, `451 "4.3.0 try again later"`, false},
	} {
		t.Run(tc.code[:3], func(t *testing.T) {
			sink := mustSMTPSink(t, sinkOptions{starttls: true}, tc.reply)
			err := mustMailer(t, sink, "smtp", "").Send(context.Background(), shipmentMessage())
			if err == nil || !strings.Contains(err.Error(), tc.code) || notify.Permanent(err) != tc.permanent {
				t.Fatalf("Send: %v, permanent %t; want %q, permanent %t", err, notify.Permanent(err), tc.code, tc.permanent)
			}
			if strings.Contains(err.Error(), "hanako@example.jp") {
				t.Errorf("error names the customer's address: %v", err)
			}
			if mails, _, _ := sink.received(); len(mails) != 0 {
				t.Fatalf("%d mails received", len(mails))
			}
		})
	}
}

// The password goes only over TLS unless the URL says starttls=none.
func TestMailer_NoSTARTTLS(t *testing.T) {
	for _, tc := range []struct {
		name, starttls string
		sent           bool
	}{
		{"mandatory by default", "", false},
		{"opportunistic", "&starttls=opportunistic", false},
		{"none", "&starttls=none", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := mustSMTPSink(t, sinkOptions{insecureAuth: true})
			err := mustMailer(t, sink, "smtp", tc.starttls).Send(context.Background(), shipmentMessage())
			mails, auths, authCommand := sink.received()
			if tc.sent {
				if err != nil || len(mails) != 1 || len(auths) != 1 || auths[0].tls {
					t.Fatalf("Send: %v; %d mails, AUTH %+v", err, len(mails), auths)
				}
				return
			}
			if err == nil || notify.Permanent(err) || authCommand || len(auths) != 0 || len(mails) != 0 {
				t.Fatalf("Send: %v (permanent %t); AUTH sent %t, %+v; %d mails", err, notify.Permanent(err), authCommand, auths, len(mails))
			}
		})
	}
}

func TestMailer_UntrustedCertificate(t *testing.T) {
	sink := mustSMTPSink(t, sinkOptions{starttls: true})
	m := mustMailer(t, sink, "smtp", "")
	m.TLSConfig = nil // the system's roots do not know the sink
	err := m.Send(context.Background(), shipmentMessage())
	if _, auths, authCommand := sink.received(); err == nil || notify.Permanent(err) || authCommand || len(auths) != 0 {
		t.Fatalf("Send: %v; AUTH sent %t", err, authCommand)
	}
}

func TestMailer_WrongPassword(t *testing.T) {
	sink := mustSMTPSink(t, sinkOptions{starttls: true})
	m, err := notify.NewMailer("smtp://soko:wrong@" + sink.addr + "?from=noreply@soko.example")
	if err != nil {
		t.Fatal(err)
	}
	m.TLSConfig = &tls.Config{RootCAs: sink.roots}
	err = m.Send(context.Background(), shipmentMessage())
	// Every email would fail alike: they wait for the settings to be fixed.
	if err == nil || !strings.Contains(err.Error(), "535") || notify.Permanent(err) {
		t.Fatalf("Send: %v, permanent %t", err, notify.Permanent(err))
	}
}

func TestMailer_InvalidAddressIsPermanent(t *testing.T) {
	// Nothing listens here: an attempt to connect would fail temporarily.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m, err := notify.NewMailer("smtp://" + addr + "?from=noreply@soko.example")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*soko.EmailMessage){
		"no recipient":       func(m *soko.EmailMessage) { m.To = "" },
		"invalid recipient":  func(m *soko.EmailMessage) { m.To = "hanako@" },
		"two recipients":     func(m *soko.EmailMessage) { m.To = "a@example.jp, b@example.jp" },
		"header in the name": func(m *soko.EmailMessage) { m.To = "hanako@example.jp\r\nBcc: x@example.com" },
		"invalid Reply-To":   func(m *soko.EmailMessage) { m.ReplyTo = "shop at sakura" },
	} {
		msg := shipmentMessage()
		change(&msg)
		if err := m.Send(context.Background(), msg); err == nil || !notify.Permanent(err) {
			t.Errorf("%s: %v, permanent %t", name, err, notify.Permanent(err))
		}
	}
	if err := m.Send(context.Background(), shipmentMessage()); err == nil || notify.Permanent(err) {
		t.Fatalf("connection refused: %v, permanent %t", err, notify.Permanent(err))
	}
}

func TestMailer_Timeout(t *testing.T) {
	// A server that accepts the connection and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, conn) // until the client hangs up
		}
	}()
	m, err := notify.NewMailer("smtp://" + ln.Addr().String() + "?from=noreply@soko.example")
	if err != nil {
		t.Fatal(err)
	}
	m.Timeout = 200 * time.Millisecond
	start := time.Now()
	err = m.Send(context.Background(), shipmentMessage())
	if took := time.Since(start); err == nil || notify.Permanent(err) || !strings.Contains(err.Error(), "no answer") || took > 2*time.Second {
		t.Fatalf("Send: %v after %s", err, took)
	}
}

func TestMailer_StopsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		cancel() // the worker shuts down while the server says nothing
		io.Copy(io.Discard, conn)
	}()
	m, err := notify.NewMailer("smtp://" + ln.Addr().String() + "?from=noreply@soko.example")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := m.Send(ctx, shipmentMessage()); err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Send: %v after %s", err, time.Since(start))
	}
}

func TestNewMailer(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // Mailer.String, or part of the error
		ok   bool
	}{
		{"smtp://mail.example.com?from=noreply@soko.example", "smtp://mail.example.com:587?from=noreply%40soko.example&starttls=mandatory", true},
		{"smtp://soko:s3cret@mail.example.com:2525/?from=noreply@soko.example&starttls=opportunistic",
			"smtp://soko:xxxxx@mail.example.com:2525?from=noreply%40soko.example&starttls=opportunistic", true},
		{"smtp://localhost:25?starttls=none&from=noreply@soko.example", "smtp://localhost:25?from=noreply%40soko.example&starttls=none", true},
		{"smtps://soko:p%40ss%3Aw@[::1]?from=noreply@soko.example", "smtps://soko:xxxxx@[::1]:465?from=noreply%40soko.example", true},
		{"", `scheme ""`, false},
		{"mail.example.com:587", `scheme "mail.example.com"`, false},
		{"http://mail.example.com?from=noreply@soko.example", `scheme "http"`, false},
		{"smtp://?from=noreply@soko.example", "no host", false},
		{"smtp://u:s3cret@mail.example.com:99999?from=noreply@soko.example", `port "99999"`, false},
		{"smtp://u:s3cret@mail.example.com:smtp?from=noreply@soko.example", "cannot be parsed", false},
		{"smtp://mail.example.com/relay?from=noreply@soko.example", `path "/relay"`, false},
		{"smtp://soko@mail.example.com?from=noreply@soko.example", "both a user and a password", false},
		{"smtp://mail.example.com", "no from address", false},
		{"smtp://mail.example.com?from=noreply", `from="noreply"`, false},
		{"smtp://mail.example.com?from=Soko+%3Cnoreply@soko.example%3E", "not a bare email address", false},
		{"smtp://mail.example.com?from=a@soko.example&from=b@soko.example", "from is given 2 times", false},
		{"smtp://mail.example.com?form=noreply@soko.example", `unknown setting "form"`, false},
		{"smtp://mail.example.com?from=noreply@soko.example&starttls=yes", `starttls="yes"`, false},
		{"smtps://mail.example.com?from=noreply@soko.example&starttls=none", "does not apply to smtps", false},
	} {
		m, err := notify.NewMailer(tc.url)
		switch {
		case tc.ok && err != nil:
			t.Errorf("NewMailer(%q): %v", tc.url, err)
		case tc.ok && m.String() != tc.want:
			t.Errorf("NewMailer(%q) = %s, want %s", tc.url, m, tc.want)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("NewMailer(%q): %v; want an error with %q", tc.url, err, tc.want)
		case !tc.ok && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("NewMailer(%q): the error shows the password: %v", tc.url, err)
		}
	}
}
