/* template.h — a document kind as defined by its template file (templates/report.ini, ...):
 * page, type sizes, fonts, title page, running heads, contents and the chapters in order.
 *
 * The template is an INI file (read with model/params.h, i.e. libinih). Sections and keys:
 *   [document] kind title subtitle course author subject keywords date ("auto" or YYYY-MM-DD)
 *              title_page (yes/no)
 *              network (e.g. "2-2-1 sigmoid"): the network the chapters are written for; a
 *              document whose parameters give another network is refused (GB_EINPUT), since
 *              its prose and worked formulas would not fit the numbers
 *   [page]     width height margin_top margin_bottom margin_left margin_right   (points)
 *   [type]     size leading code_size caption_size                            (points)
 *   [fonts]    serif serif_italic serif_bold mono math sans fallback wide     (TrueType paths)
 *   [header]   left center right     [footer] left center right
 *              text with {title}, {section}, {page}, {student}, {student_id}, {variant},
 *              {hash} placeholders
 *   [contents] show (yes/no) title
 *   [chapters] files (comma-separated paths; required except for kind graded)
 *   [show]     hide: computations left out of this kind, by name or NAME:OPTION=VALUE
 *              (e.g. "gradient-table, network:values=forward"): a worksheet hides what would
 *              give answers away
 * [document] kind is report, worksheet, key or graded: a worksheet shows questions as numbered
 * blank boxes, a key shows their answers and ends with the list of answers, a graded sheet is
 * gradbook grade's page per student (book/graded.h); the last three print the student's name and
 * ID ({student}, {student_id}) and the variant ({variant}, {hash}) in running heads.
 * Relative paths are resolved against the template's directory. Every key is checked: an unknown
 * section or key, a bad number or a missing font file is GB_EINPUT naming file:line:column. */
#ifndef GB_TEMPLATE_H
#define GB_TEMPLATE_H

#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

#define GB_TEMPLATE_MAX_CHAPTERS 64

typedef struct gb_template {
    char *path;                       /* the template file */
    char *kind, *title, *subtitle, *course, *author, *subject, *keywords, *date;
    double page_w, page_h, m_top, m_bottom, m_left, m_right;
    double size, leading, code_size, caption_size;
    char *font[GB_FACE_COUNT];        /* absolute or template-relative resolved paths */
    char *head[3], *foot[3];          /* left, center, right; "" = nothing */
    int contents;
    int title_page;                   /* [document] title_page = yes (default) / no */
    char *network;                    /* [document] network, e.g. "2-2-1 sigmoid", or "" */
    char *contents_title;
    char *chapters[GB_TEMPLATE_MAX_CHAPTERS];
    size_t nchapters;
    char *hide[32];                   /* [show] hide entries */
    size_t nhide;
} gb_template;

/* Loads and checks a template. On error t is left empty. Free with gb_template_free. */
int gb_template_load(gb_template *t, const char *path, gb_err *e);
void gb_template_free(gb_template *t);

#endif
