META
key;value
description;Text project ids, a free project and one nobody chose
country;United Kingdom
unit;Fernbridge
instance;hand-named
num_projects;5
num_votes;6
budget;100
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
lights;50;Skate park lights
studio;40;Music studio
nets;20;Football nets
wifi;0;Free wifi in the library
mural;30;Mural on the bridge
VOTES
voter_id;vote
1;lights,nets
2;lights,wifi
3;lights
4;studio,nets
5;studio
6;nets,wifi
