"""Effects that make parts of the clip transparent: Chroma Key (by colour) and Mask (by a grey image)."""

from __future__ import annotations

from ..errors import RenderError
from ..filtergraph import CommandScript, GraphBuilder, number
from .color_values import color_curves, ffmpeg_color
from .context import EffectContext, EffectStep


def chroma_key(ctx: EffectContext) -> EffectStep:
    """Pixels within `fuzz` of the key colour become transparent.

    libopenshot measures a "redmean" RGB distance (0..~765); colorkey
    measures plain RGB distance as a fraction, about 1/765 of it. `halo`
    becomes colorkey's soft edge. Every key method is treated as basic.
    """
    red, green, blue, _ = color_curves(ctx, "color")
    fuzz, halo = ctx.curve("fuzz"), ctx.curve("halo")
    name = f"colorkey@{ctx.name}"
    color = ctx.animate(name, "color", (red, green, blue), lambda r, g, b: ffmpeg_color(r, g, b))
    similarity = ctx.animate(name, "similarity", (fuzz,), lambda f: number(max(0.00001, min(1.0, f / 765.0))))
    blend = ctx.animate(name, "blend", (halo,), lambda h: number(max(0.0, min(1.0, h / 765.0))))
    animated = ctx.animated(red, green, blue, fuzz, halo) or not ctx.full
    return EffectStep(
        ["format=rgba", f"{name}=color={color}:similarity={similarity}:blend={blend}{ctx.enable}", "format=yuva420p"],
        animated=animated,
        makes_alpha=True,
    )


def mask(ctx: EffectContext) -> EffectStep:
    """A grey image (or video) wipes the clip away: white becomes transparent, black stays.

    libopenshot: alpha ·= clamp(255 - (20/(20-c)·(grey + 255·b - 128) + 128)) / 255.
    That is a per-grey-level table (lut, re-sent when brightness/contrast
    animate) merged in as the clip's alpha. `replace_image` shows the mask
    itself, as grey. The mask's file is `effect.sources["reader"]`, resolved
    by the caller to one of the user's own files: the path in the json's
    "reader" is never given to ffmpeg.
    """
    source_media = ctx.effect.sources.get("reader")
    if source_media is None:
        if ctx.props.get("reader"):
            raise RenderError(f"Mask reader of {ctx.owner} must be one of your files.")
        return EffectStep()  # libopenshot applies no mask without a reader
    level, contrast = ctx.curve("brightness"), ctx.curve("contrast")
    lut = f"lut@{ctx.name}"

    def table(b: float, c: float) -> str:
        factor = 20.0 / max(0.00001, 20.0 - c)
        return f"'clip(255-({number(factor)}*(val+{number(255 * b)}-128)+128),0,255)'"

    mask_commands = CommandScript(ctx.fps)  # sent from the mask's own chain, in step with its frames
    expression = ctx.animate(lut, "c0", (level, contrast), table, script=mask_commands)
    is_image = source_media.is_image
    replace = ctx.flag("replace_image")
    span = ctx.span

    def wire(graph: GraphBuilder, source: str) -> str:
        index = graph.add_input(source_media.path)
        if is_image:
            timing = (f"loop=loop={span.count - 1}:size=1:start=0,settb={ctx.fps.denominator}/{ctx.fps.numerator},"
                      f"setpts=N+{span.out_start}")
            timing = f"scale=w={ctx.width}:h={ctx.height},format=gray,{timing}"
        else:
            timing = (f"setpts=PTS-STARTPTS,fps={ctx.fps},tpad=stop=-1:stop_mode=clone,"
                      f"trim=start_pts={span.src_start}:end_pts={span.src_start + span.count},"
                      f"setpts=PTS-STARTPTS+{span.out_start},scale=w={ctx.width}:h={ctx.height},format=gray")
        matte = graph.label(f"{ctx.name}m")
        sendcmd = graph.sendcmd(f"{ctx.name}.mask.cmd", mask_commands)
        graph.add(f"[{index}:v]{timing},{sendcmd + ',' if sendcmd else ''}{lut}=c0={expression}{matte}")
        out = graph.label(ctx.name)
        if replace:
            graph.add(f"{source}{matte}overlay=x=0:y=0:eof_action=pass{ctx.enable},format=yuva420p{out}")
            return out
        keep = graph.label(f"{ctx.name}k")
        if ctx.has_alpha:  # multiply the existing alpha by the matte
            alpha, extracted, product = (graph.label(f"{ctx.name}{k}") for k in ("a", "e", "x"))
            graph.add(f"{source}format=yuva420p,split{keep}{alpha}")
            graph.add(f"{alpha}alphaextract,format=gray{extracted}")
            graph.add(f"{extracted}{matte}blend=all_mode=multiply{product}")
            matte = product
        else:
            graph.add(f"{source}format=yuva420p{keep}")
        graph.add(f"{keep}{matte}alphamerge{ctx.enable}{out}")
        return out

    return EffectStep(branch=wire, animated=True, makes_alpha=True, new_segment=True)
