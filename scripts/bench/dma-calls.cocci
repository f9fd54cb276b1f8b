// Every call of the six functions the recall comparison uses, with its position, printed one per line
// as "DMALENS_SITE file:line:column:name" (column is 0-based in Coccinelle's positions).
@call@
identifier fn = {dma_map_single, dma_map_page, dma_map_sg, dma_alloc_coherent, dma_unmap_single, virtqueue_add_sgs};
expression list args;
position p;
@@
fn@p(args)

@script:python depends on call@
fn << call.fn;
p << call.p;
@@
for pos in p:
    print("DMALENS_SITE %s:%s:%s:%s" % (pos.file, pos.line, pos.column, fn))
