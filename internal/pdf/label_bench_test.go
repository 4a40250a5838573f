package pdf

import (
	"bytes"
	"fmt"
	"testing"
)

// labelWave is n parcels of a wave, one or two to an order, each with its
// own tracking number, as the labels of a released wave print.
func labelWave(tb testing.TB, n int) []LabelData {
	tb.Helper()
	base := MustLabelData(tb)
	labels := make([]LabelData, n)
	for i := range labels {
		l := base
		order := i / 2
		l.Order.Number = fmt.Sprintf("SO-20261120-%05d", order+1)
		l.Parcel.Seq, l.Parcels = i%2+1, 2
		l.Parcel.TrackingNumber = MustTrackingNumber(tb, fmt.Sprintf("%011d", 43210000000+i))
		l.Order.Lines = base.Order.Lines[:1+order%len(base.Order.Lines)]
		labels[i] = l
	}
	return labels
}

// BenchmarkLabel is one parcel's shipping label in a document of its own.
func BenchmarkLabel(b *testing.B) {
	l := MustLabelData(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Labels(&buf, []LabelData{l}, LabelOptions{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/pdf")
}

// BenchmarkSlipAndLabel is what a station prints when it labels an order:
// the packing slip and the label in one document, one font parse. DESIGN.md
// asks for at most 30 ms.
func BenchmarkSlipAndLabel(b *testing.B) {
	d := DocumentData{Slips: []SlipData{MustSlipData(b)}, Labels: []LabelData{MustLabelData(b)}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Document(&buf, d, DocumentOptions{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/pdf")
}

// BenchmarkLabels1000 is a 1,000-parcel wave's labels in one PDF, measured
// like BenchmarkSlips1000.
func BenchmarkLabels1000(b *testing.B) {
	benchWave(b, DocumentData{Labels: labelWave(b, 1000)})
}

// BenchmarkDocument1000 is a 500-order wave printed as one PDF of slips and
// labels (1,000 parcels), each slip followed by its order's labels.
func BenchmarkDocument1000(b *testing.B) {
	labels := labelWave(b, 1000)
	slips := make([]SlipData, 0, len(labels)/2)
	for i := 0; i < len(labels); i += 2 {
		slips = append(slips, SlipData{Merchant: labels[i].Merchant, Order: labels[i].Order})
	}
	benchWave(b, DocumentData{Slips: slips, Labels: labels})
}

func benchWave(b *testing.B, d DocumentData) {
	b.ReportAllocs()
	peak := watchPeakMemory()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Document(&buf, d, DocumentOptions{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	heap, rss := peak()
	b.ReportMetric(float64(size)/(1<<20), "MB/pdf")
	b.ReportMetric(heap/(1<<20), "peak-heap-MB")
	if rss > 0 {
		b.ReportMetric(rss/(1<<20), "peak-RSS-MB")
	}
}
