package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// consolidationStore is what 同梱 needs of the store: merging and
// separating orders by hand, and a group's members for the station,
// documents and console.
type consolidationStore interface {
	Consolidate(ctx context.Context, orderID int64, with string, staffID int64, device string) (*soko.Order, error)
	Unconsolidate(ctx context.Context, orderID, staffID int64, device string) (*soko.Order, error)
	ConsolidatedOrders(ctx context.Context, primaryID int64) ([]*soko.Order, error)
}

// consolidationWords are the words of the order page's 同梱 section.
var consolidationWords = map[string]soko.Text{
	"ord_consolidation":        {JA: "同梱", EN: "Consolidation"},
	"ord_group":                {JA: "{primary} の荷物で一緒に出荷します：", EN: "Ships in the parcel of {primary}:"},
	"ord_group_none":           {JA: "この注文は単独で出荷します", EN: "This order ships on its own"},
	"ord_merge_with":           {JA: "同梱する注文番号", EN: "Order number to ship with"},
	"ord_merge_help":           {JA: "同じ荷主・お届け先・配送業者の、ピッキング前の注文を1個口にまとめます", EN: "Ships orders of one merchant to one recipient by one carrier in one parcel, before picking"},
	"ord_do_consolidate":       {JA: "同梱する", EN: "Consolidate"},
	"ord_do_unconsolidate":     {JA: "同梱を解除", EN: "Separate"},
	"ord_done_consolidate":     {JA: "同梱しました", EN: "Consolidated"},
	"ord_done_unconsolidate":   {JA: "同梱を解除しました。この注文は単独で出荷します", EN: "Separated: this order ships on its own"},
	"ord_ev_consolidate":       {JA: "同梱", EN: "consolidated"},
	"ord_ev_unconsolidate":     {JA: "同梱解除", EN: "separated"},
	"ord_consolidate_required": {JA: "注文番号を入力してください", EN: "Enter an order number"},
}

// superviseConsolidation runs a supervisor's consolidate or unconsolidate
// on the order with id, and reports whether the action was one of them.
func (h apiHandlers) superviseConsolidation(ctx context.Context, id int64, in *api.ConsoleOrderActionInput, staffID int64, device string) (bool, error) {
	switch soko.OrderAction(in.Action) {
	case soko.ActionConsolidate:
		if deref(in.With) == "" {
			return true, soko.Errorf(soko.EINVALID, "name the order to consolidate with").
				JA("同梱する注文の注文番号を入力してください").WithField("with", "required")
		}
		_, err := h.store.Consolidate(ctx, id, deref(in.With), staffID, device)
		return true, err
	case soko.ActionUnconsolidate:
		_, err := h.store.Unconsolidate(ctx, id, staffID, device)
		return true, err
	}
	return false, nil
}

// consolidationOf returns the group o leaves in, primary first, with every
// order's lines; just o when it leaves alone.
func (s *Server) consolidationOf(ctx context.Context, o *soko.Order) ([]*soko.Order, error) {
	primary := o
	if o.ConsolidatedInto != 0 {
		p, err := s.store.OrderByID(ctx, o.ConsolidatedInto)
		if err != nil {
			return nil, err
		}
		primary = p
	}
	members, err := s.store.ConsolidatedOrders(ctx, primary.ID)
	if err != nil {
		return nil, err
	}
	return append([]*soko.Order{primary}, members...), nil
}

// withConsolidation adds the group o leaves in to the console's order.
func (s *Server) withConsolidation(ctx context.Context, out api.ConsoleOrder, o *soko.Order) (api.ConsoleOrder, error) {
	group, err := s.consolidationOf(ctx, o)
	if err != nil || len(group) < 2 {
		return out, err
	}
	c := &api.ConsoleConsolidation{PrimaryId: group[0].ID, PrimaryNo: group[0].Number}
	for _, g := range group {
		c.Orders = append(c.Orders, api.ConsoleConsolidatedOrder{Id: g.ID, OrderNo: g.Number, Status: api.OrderStatus(g.Status), CodAmount: g.CODAmount})
	}
	out.Consolidation = c
	return out, nil
}

// groupDocuments is what the primary's slip and labels carry for group:
// the other orders under their own numbers on the slip, and on the label
// the cash the driver collects for them all.
func groupDocuments(group []*soko.Order) (others []soko.Order, label soko.Order) {
	label = *group[0]
	for _, o := range group[1:] {
		others = append(others, *o)
	}
	label.CODAmount = soko.GroupCOD(group)
	return others, label
}
