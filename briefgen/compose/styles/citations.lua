-- A pandoc writer for briefgen's citation styles.
--
-- briefgen hands pandoc one document: a div per citation to format (its id
-- is given in the div's id) and the bibliography div (#refs) that citeproc
-- fills.  This writer turns what citeproc made into JSON: each citation and
-- each bibliography entry as a fragment of HTML.  Notes are taken out of
-- their footnote, so a note style's citation reads as the note's text.

local function html(inlines)
  return pandoc.write(pandoc.Pandoc({pandoc.Plain(inlines)}), 'html', {wrap_text = 'none'})
end

local function without_margin(blocks)
  -- numeric styles print their own "[1]" in a margin: briefgen numbers the
  -- list itself
  return pandoc.Blocks(blocks):walk({
    Span = function(span)
      if span.classes:includes('csl-left-margin') then return {} end
    end,
    Div = function(div)
      if div.classes:includes('csl-left-margin') then return {} end
    end,
  })
end

function Writer(doc, opts)
  doc = doc:walk({
    Note = function(note) return pandoc.utils.blocks_to_inlines(note.content) end,
    Cite = function(cite) return cite.content end,
  })
  local citations, entries, order = {}, {}, {}
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Div' and block.identifier == 'refs' then
      for _, entry in ipairs(block.content) do
        local id = entry.identifier:gsub('^ref%-', '')
        entries[id] = html(pandoc.utils.blocks_to_inlines(without_margin(entry.content)))
        order[#order + 1] = id
      end
    elseif block.t == 'Div' then
      citations[block.identifier] = html(pandoc.utils.blocks_to_inlines(block.content))
    end
  end
  return pandoc.json.encode({citations = citations, entries = entries, order = order})
end
